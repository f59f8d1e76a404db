/** The local Postmark API for tests and benchmarks; see `test/postmark/server.ts`. */
export {
  startPostmarkServer,
  type DropMode,
  type FailureStatus,
  type OutboundMessageSummary,
  type OutboundSearchAnswer,
  type PostmarkServer,
  type PostmarkServerOptions,
  type RecordedCall,
  type SendAnswer,
  type SentMessage,
  type WebhookEventOptions,
  type WebhookPayload,
  type WebhookPost,
  type WebhookTarget,
} from './postmark/server';
