ALTER TABLE "rm_template"."jobs" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "external_url" text;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "user_name" text;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "steps" jsonb;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "log_fetch_error" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "mode" text DEFAULT 'decided' NOT NULL;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "system" text DEFAULT 'verity' NOT NULL;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "external_instance" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "external_url" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "user_name" text;--> statement-breakpoint
ALTER TABLE "rm_template"."pipelines" ADD COLUMN "reported_status" text;--> statement-breakpoint
CREATE INDEX "pipelines_by_project_system" ON "rm_template"."pipelines" USING btree ("project_id","system","created_at" DESC NULLS LAST,"pipeline_id" DESC NULLS LAST);