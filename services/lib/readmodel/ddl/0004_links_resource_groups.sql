ALTER TABLE "rm_template"."jobs" ADD COLUMN "downstream_pipeline_id" uuid;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "resource_group" text;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "waiting_for_resource_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "auto_canceled_by" uuid;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "parent_pipeline_id" uuid;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "parent_job_id" uuid;--> statement-breakpoint
CREATE INDEX "jobs_by_resource_group" ON "rm_template"."jobs" USING btree ("project_id","resource_group","status","waiting_for_resource_at","job_id") WHERE "rm_template"."jobs"."resource_group" IS NOT NULL;