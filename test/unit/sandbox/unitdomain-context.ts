import type { RenderContext } from '../../../sandbox/web/render.js';

/** A render context that knows no person, channel or file: ids are shown as they are. */
export const blankContext: RenderContext = {
  userName: (id) => id,
  channelName: (id) => id,
  fileUrl: () => undefined,
  users: [],
  channels: [],
};
