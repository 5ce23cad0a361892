CREATE TABLE "projection_dead_letters" (
	"projection" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"offset" bigint NOT NULL,
	"pipeline_id" text,
	"reason" text NOT NULL,
	"error" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projection_dead_letters_projection_topic_partition_offset_pk" PRIMARY KEY("projection","topic","partition","offset")
);
--> statement-breakpoint
CREATE INDEX "projection_dead_letters_by_pipeline" ON "projection_dead_letters" USING btree ("projection","pipeline_id");