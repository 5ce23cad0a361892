CREATE TABLE "ingest_idempotency" (
	"project_id" text NOT NULL,
	"idem_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingest_idempotency_project_id_idem_key_pk" PRIMARY KEY("project_id","idem_key")
);
--> statement-breakpoint
CREATE TABLE "job_log_chunks" (
	"log_id" uuid NOT NULL,
	"chunk_no" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "job_log_chunks_log_id_chunk_no_pk" PRIMARY KEY("log_id","chunk_no")
);
--> statement-breakpoint
CREATE TABLE "job_logs" (
	"log_id" uuid PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"job" text NOT NULL,
	"bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"chunks" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_log_chunks" ADD CONSTRAINT "job_log_chunks_log_id_job_logs_log_id_fk" FOREIGN KEY ("log_id") REFERENCES "public"."job_logs"("log_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ingest_idempotency_created" ON "ingest_idempotency" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "job_logs_by_job" ON "job_logs" USING btree ("pipeline_id","job","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_logs_by_sha" ON "job_logs" USING btree ("pipeline_id","job","sha256");