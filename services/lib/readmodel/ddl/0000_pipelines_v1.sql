CREATE TABLE "rm_template"."flaky_jobs" (
	"passed_job_id" uuid PRIMARY KEY NOT NULL,
	"failed_job_id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"sha" text NOT NULL,
	"failure_reason" text,
	"detected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rm_template"."jobs" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"stage" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"retried" boolean NOT NULL,
	"allow_failure" boolean NOT NULL,
	"when" text NOT NULL,
	"needs" text[],
	"runner_id" text,
	"queued_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"queued_ms" bigint,
	"duration_ms" bigint,
	"failure_reason" text,
	"failure_reason_raw" text,
	"exit_code" integer,
	"log_ref" text,
	"log_excerpt" text,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rm_template"."pipelines" (
	"pipeline_id" uuid PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"ref" text NOT NULL,
	"sha" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"warnings" boolean NOT NULL,
	"stages" text[] NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" bigint,
	"last_seq" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "flaky_by_project" ON "rm_template"."flaky_jobs" USING btree ("project_id","detected_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "jobs_by_pipeline" ON "rm_template"."jobs" USING btree ("pipeline_id","stage","name","attempt");--> statement-breakpoint
CREATE INDEX "jobs_by_project_name" ON "rm_template"."jobs" USING btree ("project_id","name","finished_at");--> statement-breakpoint
CREATE INDEX "pipelines_by_project" ON "rm_template"."pipelines" USING btree ("project_id","created_at" DESC NULLS LAST,"pipeline_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "pipelines_by_project_ref" ON "rm_template"."pipelines" USING btree ("project_id","ref","created_at" DESC NULLS LAST,"pipeline_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "pipelines_by_status" ON "rm_template"."pipelines" USING btree ("status","created_at" DESC NULLS LAST,"pipeline_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "pipelines_by_created" ON "rm_template"."pipelines" USING btree ("created_at" DESC NULLS LAST,"pipeline_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "pipelines_finished" ON "rm_template"."pipelines" USING btree ("project_id","finished_at");