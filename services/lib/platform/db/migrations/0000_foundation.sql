CREATE TABLE "projection_checkpoints" (
	"projection" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projection_checkpoints_projection_topic_partition_pk" PRIMARY KEY("projection","topic","partition")
);
