CREATE TABLE "rm_template"."project_daily_stats" (
	"project_id" text NOT NULL,
	"day" date NOT NULL,
	"pipelines" integer NOT NULL,
	"finished" integer NOT NULL,
	"succeeded" integer NOT NULL,
	"failed" integer NOT NULL,
	"duration_hist" integer[] NOT NULL,
	"queued_jobs" integer NOT NULL,
	"queue_hist" integer[] NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "project_daily_stats_project_id_day_pk" PRIMARY KEY("project_id","day")
);
--> statement-breakpoint
CREATE TABLE "rm_template"."remediation_proposals" (
	"proposal_id" uuid PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"job_id" uuid NOT NULL,
	"job_name" text NOT NULL,
	"attempt" integer NOT NULL,
	"ref" text,
	"sha" text,
	"failure_reason" text NOT NULL,
	"signature" text NOT NULL,
	"provider" text NOT NULL,
	"model" text,
	"prompt_version" text NOT NULL,
	"category" text NOT NULL,
	"root_cause" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"suggested_action" jsonb NOT NULL,
	"action_kind" text NOT NULL,
	"confidence" real NOT NULL,
	"shadow" boolean NOT NULL,
	"tokens_prompt" integer NOT NULL,
	"tokens_completion" integer NOT NULL,
	"latency_ms" integer NOT NULL,
	"cost_usd" double precision NOT NULL,
	"failed_at" timestamp with time zone NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"feedback_verdict" text,
	"feedback_reason" text,
	"feedback_actor" text,
	"feedback_at" timestamp with time zone,
	"label" text,
	"rule" text,
	"outcome" text,
	"outcome_at" timestamp with time zone,
	"outcome_latency_ms" bigint,
	"time_to_green_ms" bigint,
	"scored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rm_template"."remediation_skips" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"prompt_version" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "remediations_by_project" ON "rm_template"."remediation_proposals" USING btree ("project_id","proposed_at" DESC NULLS LAST,"proposal_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remediations_by_created" ON "rm_template"."remediation_proposals" USING btree ("proposed_at" DESC NULLS LAST,"proposal_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remediations_by_job" ON "rm_template"."remediation_proposals" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "remediations_by_provider" ON "rm_template"."remediation_proposals" USING btree ("provider","prompt_version","proposed_at");--> statement-breakpoint
CREATE INDEX "remediations_by_signature" ON "rm_template"."remediation_proposals" USING btree ("project_id","signature","proposed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remediations_unscored" ON "rm_template"."remediation_proposals" USING btree ("proposed_at") WHERE "rm_template"."remediation_proposals"."label" IS NULL;--> statement-breakpoint
CREATE INDEX "remediation_skips_by_provider" ON "rm_template"."remediation_skips" USING btree ("provider","prompt_version","occurred_at");