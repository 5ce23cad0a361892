CREATE TABLE "ingest_job_attempts" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_pipelines" (
	"pipeline_id" uuid PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"job_names" text[] NOT NULL,
	"report_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "job_logs_by_sha";--> statement-breakpoint
CREATE UNIQUE INDEX "job_logs_by_sha" ON "job_logs" USING btree ("project_id","pipeline_id","job","sha256");