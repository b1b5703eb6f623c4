import type { ModalView } from '@slack/types';
import { pt } from './parts.js';

/**
 * What "Hand off this deal" shows at once (Slack's trigger lasts 3 s): the packet's title and what is being read. The
 * prefilled form replaces it in place (views.update); it has no inputs, so nothing typed can be lost.
 */
export function packetLoadingModal(): ModalView {
  return {
    type: 'modal',
    callback_id: 'handoff_packet_loading',
    title: pt('New handoff'),
    close: pt('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':hourglass_flowing_sand: Reading the message, its thread, the channel’s partner and the CRM…',
        },
      },
    ],
  };
}
