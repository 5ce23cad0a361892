CREATE TABLE "read_model_versions" (
	"projection" text PRIMARY KEY NOT NULL,
	"active" integer,
	"building" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
