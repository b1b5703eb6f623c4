import type { KnownBlock } from '@slack/types';

/** A message as the app sends it: its fallback text and its blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}
