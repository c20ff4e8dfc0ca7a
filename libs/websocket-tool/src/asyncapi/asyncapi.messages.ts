/** Two declarations of one message type and direction say different things; the document keeps the first. */
export const conflictingDeclarationMessage = (type: string, first: string, second: string): string =>
  `The protocol document describes "${type}" as ${first} declares it; ${second} declares it with another content or meta. ` +
  'Declare each message once, beside the code that sends it, or give both the same DTOs.';
