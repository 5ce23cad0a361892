ALTER TABLE "rm_template"."jobs" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rm_template"."jobs" ADD COLUMN "variable_keys" text[];