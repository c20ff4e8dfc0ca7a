/** Characters allowed in a topic name: letters, digits and `._:@/-`. */
const TOPIC_PATTERN = /^[A-Za-z0-9._:@/-]+$/;

/** True if `topic` is a non-empty allowed name of at most `maxLength` characters. */
export function isValidTopic(topic: unknown, maxLength: number): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= maxLength && TOPIC_PATTERN.test(topic);
}
