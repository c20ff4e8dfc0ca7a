/** Characters allowed in a topic name: letters, digits and `._:@/-`. */
const TOPIC_PATTERN = /^[A-Za-z0-9._:@/-]+$/;

/** True if `topic` is a non-empty allowed name of at most `maxLength` characters. */
export function isValidTopic(topic: unknown, maxLength: number): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= maxLength && TOPIC_PATTERN.test(topic);
}

/**
 * True when `topic` is a personal topic (`prefix` + a user id) of a user other than `userId`: a client may not
 * subscribe to it. Always false when personal topics are off (empty prefix).
 */
export function isOthersPersonalTopic(prefix: string, userId: string | null, topic: string): boolean {
  if (!prefix || !topic.startsWith(prefix)) return false;
  return userId === null || topic !== prefix + userId;
}
