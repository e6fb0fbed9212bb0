ALTER TYPE "public"."integration_type" ADD VALUE 'widget';--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "widget" jsonb;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "identity_secret" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "disabled_at" timestamp with time zone;