/** Words a café owner would have to look up: environment variables, engine terms, raw codes, node ids. */
export const DEVELOPER_WORDS =
  /\b(?:POSTMARK_\w+|APPLE_\w+|GOOGLE_\w+|STAMPFLOW_\w+|TEMPORAL_\w+|Temporal|workflow|cohort|not_in_\w+|no_consent|no_email|no_pass|frequency_cap|quiet_hours|holdout|exit_rule|no_message|Attempts|outbox:\S+|Cron expression|All runs of this flow|(?:trigger|push|email|wait|segment|voucher)-[a-z0-9]{4,})\b/;
