// Produce requests of bounded size for a transaction or a batch send.
import type { Message } from 'kafkajs';

/**
 * Splits the output into produce requests of at most ~`maxBytes` each: kafkajs sends one record batch
 * per partition per request and never splits it, and the broker refuses batches over max.message.bytes.
 */
export function chunked(
  topicMessages: { topic: string; messages: Message[] }[],
  maxBytes = 512 * 1024,
): { topic: string; messages: Message[] }[][] {
  const size = (m: Message) => (m.value ? (m.value as Buffer).length : 0) + (m.key ? String(m.key).length : 0) + 200;
  const chunks: { topic: string; messages: Message[] }[][] = [];
  let current: { topic: string; messages: Message[] }[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const m of messages) {
      if (bytes > 0 && bytes + size(m) > maxBytes) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      let entry = current.at(-1);
      if (entry?.topic !== topic) current.push((entry = { topic, messages: [] }));
      entry.messages.push(m);
      bytes += size(m);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
