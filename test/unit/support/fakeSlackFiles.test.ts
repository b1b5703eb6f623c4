import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformError, slackAnswer, slackClient } from '../../support/fakeClients.js';
import type { FakeFile } from '../../support/fakeSlack/types.js';
import { FakeSlack } from '../../support/fakeSlack.js';

/** A valid 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let fake: FakeSlack;

const client = () => slackClient(fake);

/** The single file id of a `filesUploadV2` answer. */
function uploadedId(result: { files: { files?: { id?: string }[] }[] }): string {
  const ids = result.files.flatMap((c) => c.files ?? []).map((f) => f.id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** A PNG uploaded by the bot: shared into `channel_id` when given, else private to the bot. */
async function uploadPng(filename = 'chart.png', channel_id?: string): Promise<string> {
  return uploadedId(
    await client().filesUploadV2({
      file: PNG,
      filename,
      title: 'Chart',
      alt_text: 'a chart',
      ...(channel_id ? { channel_id } : {}),
    }),
  );
}

/** Uploads a PNG (shared into `channel_id`, or private) and lets Slack finish processing it. */
async function processedPng(channel_id?: string): Promise<string> {
  const id = await uploadPng('chart.png', channel_id);
  await client().files.info({ file: id });
  return id;
}

const imageBlock = (image: Record<string, unknown>) => ({ type: 'image', alt_text: 'a chart', ...image });

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  fake.addUser({ id: 'U1', team_id: fake.teamId, name: 'ada' });
  fake.addChannel({ id: 'C1', name: 'deals', members: [fake.botUserId, 'U1'] });
  fake.addChannel({ id: 'C2', name: 'no-bot', members: ['U1'] });
  fake.addUser({ id: 'U2', team_id: fake.teamId, name: 'bo' });
  fake.addChannel({ id: 'C3', name: 'other', members: [fake.botUserId, 'U2'] });
});

describe('FakeSlack files: filesUploadV2', () => {
  it('stores the bytes of a private upload, answers in Slack shapes, reports it processing in files.info first', async () => {
    const result = await client().filesUploadV2({ file: PNG, filename: 'chart.png', title: 'Chart' });
    const id = uploadedId(result);
    expect(id).toMatch(/^F[A-Z0-9]{10}$/);
    expect(result.files[0]).toMatchObject({ ok: true, files: [{ id, title: 'Chart' }] });

    const file = fake.file(id) as FakeFile;
    expect(file.bytes.equals(PNG)).toBe(true);
    expect(file).toMatchObject({ name: 'chart.png', title: 'Chart', completed: true, channels: [] });
    expect(fake.files().map((f) => f.id)).toEqual([id]);
    const urlCall = fake.callsTo('files.getUploadURLExternal')[0];
    expect(urlCall?.args).toMatchObject({ filename: 'chart.png', length: String(PNG.length) });
    expect(urlCall?.response).toMatchObject({ upload_url: expect.stringMatching(`/upload/${id}$`) });
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args.files).toEqual([{ id, title: 'Chart' }]);

    const first = await client().files.info({ file: id });
    expect(first.file).toMatchObject({ id, name: 'chart.png', mimetype: '', filetype: '', size: PNG.length });
    const second = await client().files.info({ file: id });
    expect(second.file).toMatchObject({
      id,
      name: 'chart.png',
      title: 'Chart',
      mimetype: 'image/png',
      filetype: 'png',
      size: PNG.length,
      user: fake.botUserId,
      is_public: false,
      channels: [],
    });
    expect(second.file?.url_private).toMatch(/^https:\/\//);
    expect(second.file?.permalink).toMatch(/^https:\/\//);
    expect((await platformError(client().files.info({ file: 'FNOSUCHFILE' }))).error).toBe('file_not_found');
    fake.reset();
    expect(fake.files()).toEqual([]);
  });

  it('refuses to share where the bot cannot post, completing nothing', async () => {
    const upload = (channel_id: string) =>
      client().filesUploadV2({ channel_id, content: 'x', filename: 'x.txt' });
    expect((await platformError(upload('C2'))).error).toBe('not_in_channel');
    expect((await platformError(upload('CNOPE'))).error).toBe('channel_not_found');
    expect(fake.files().map((f) => f.completed)).toEqual([false, false]);
    await upload('C1');
    expect(fake.messages('C1')[0]?.files).toHaveLength(1);
  });
});

describe('FakeSlack files: raw upload steps', () => {
  const api = async (method: string, body: Record<string, string>) => {
    const res = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}` },
      body: new URLSearchParams(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const post = (url: string, bytes: Buffer) => {
    const form = new FormData();
    form.append('body', new Blob([new Uint8Array(bytes)]), 'upload');
    return fetch(url, { method: 'POST', body: form });
  };

  it('refuses bad getUploadURLExternal arguments; answers an upload OK with its size (404 unknown); refuses to complete an unknown, never uploaded or wrongly sized file', async () => {
    expect(await api('files.getUploadURLExternal', { length: '3' })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    for (const length of ['', '0', '-1', '1.5', 'abc']) {
      expect(await api('files.getUploadURLExternal', { filename: 'a.txt', length })).toMatchObject({
        ok: false,
        error: 'invalid_arguments',
      });
    }
    const complete = (id: string) => api('files.completeUploadExternal', { files: JSON.stringify([{ id }]) });
    expect(await complete('FNOSUCHFILE')).toMatchObject({ ok: false, error: 'file_not_found' });
    expect(await api('files.completeUploadExternal', {})).toMatchObject({ error: 'invalid_arguments' });
    const got = await api('files.getUploadURLExternal', { filename: 'a.txt', length: '3' });
    expect(await complete(got.file_id as string)).toMatchObject({ ok: false, error: 'file_not_found' });
    const res = await post(got.upload_url as string, Buffer.from('abc'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK - 3');
    expect((await post(`${new URL(fake.apiUrl).origin}/upload/FNOSUCHFILE`, Buffer.from('x'))).status).toBe(
      404,
    );
    const wrong = await api('files.getUploadURLExternal', { filename: 'a.txt', length: '3' });
    await post(wrong.upload_url as string, Buffer.from('abcd'));
    expect(await complete(wrong.file_id as string)).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });
});

describe('FakeSlack files: image blocks', () => {
  const postImage = (image: Record<string, unknown>) =>
    client().chat.postMessage({ channel: 'C1', text: 'chart', blocks: [imageBlock(image)] });
  const fileIn = (slack_file: Record<string, unknown>) => [imageBlock({ slack_file })];
  const post = (channel: string, slack_file: Record<string, unknown>) =>
    client().chat.postMessage({ channel, text: 'x', blocks: fileIn(slack_file) });
  const home = (user_id: string, id: string) =>
    client().views.publish({ user_id, view: { type: 'home', blocks: fileIn({ id }) } });
  /** Slack's refusal of a slack_file it will not show: in a message (`errors` too), or in a view. */
  async function refusedFile(call: Promise<unknown>, where: 'message' | 'view' = 'message') {
    const data = await platformError(call);
    const problem = `invalid slack file [json-pointer:${where === 'view' ? '/view' : ''}/blocks/0/slack_file]`;
    expect(data.error).toBe(where === 'view' ? 'invalid_arguments' : 'invalid_blocks');
    expect(data.response_metadata?.messages).toEqual([`[ERROR] ${problem}`]);
    if (where === 'message') expect((data as { errors?: string[] }).errors).toEqual([problem]);
  }

  it('refuses a slack_file image until Slack has processed the file', async () => {
    const id = await uploadPng('chart.png', 'C1');
    await refusedFile(postImage({ slack_file: { id } }));
    await client().files.info({ file: id });
    await postImage({ slack_file: { id } });
    const url = (await client().files.info({ file: id })).file?.url_private;
    await postImage({ slack_file: { url } });
    // The upload's own message (the share), then the two posts.
    expect(fake.messages('C1')).toHaveLength(3);
  });

  it('refuses unknown files, files that are not images, both or neither of image_url and slack_file, no alt_text', async () => {
    await refusedFile(postImage({ slack_file: { id: 'FNOSUCHFILE' } }));
    const csv = uploadedId(
      await client().filesUploadV2({ content: 'a,b', filename: 'x.csv', channel_id: 'C1' }),
    );
    await client().files.info({ file: csv });
    await refusedFile(postImage({ slack_file: { id: csv } }));
    const id = await processedPng('C1');
    const both = await platformError(
      postImage({ image_url: 'https://example.com/a.png', slack_file: { id } }),
    );
    expect(both.error).toBe('invalid_blocks');
    expect(both.response_metadata?.messages).toEqual([
      '[ERROR] must provide exactly one of: image_url, slack_file [json-pointer:/blocks/0]',
    ]);
    expect(await slackAnswer(postImage({}))).toBe('invalid_blocks');
    const noAlt = [{ type: 'image', slack_file: { id } }];
    expect(await slackAnswer(client().chat.postMessage({ channel: 'C1', text: 'x', blocks: noAlt }))).toBe(
      'invalid_blocks',
    );
    await postImage({ image_url: 'https://example.com/a.png' });
  });

  it('checks slack_file images in views and response URLs too', async () => {
    const id = await uploadPng('chart.png', 'C1');
    await refusedFile(home('U1', id), 'view');
    const responseUrl = fake.responseUrl({ channel: 'C1' });
    const respond = () =>
      fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'in_channel', text: 'x', blocks: fileIn({ id }) }),
      });
    expect((await respond()).status).toBe(400);
    await client().files.info({ file: id });
    // U1 is a member of C1, where the file is shared: their Home may show it.
    await home('U1', id);
    expect((await respond()).status).toBe(200);
  });

  it('refuses a file private to the bot (uploaded without a channel) everywhere, as Slack does', async () => {
    const id = await processedPng();
    expect(fake.file(id)?.channels).toEqual([]);
    // As reported in slackapi/python-slack-sdk#1658 (files_upload_v2 without a channel, then chat.postMessage).
    await refusedFile(postImage({ slack_file: { id } }));
    const url = (await client().files.info({ file: id })).file?.url_private;
    await refusedFile(postImage({ slack_file: { url } }));
    const dm = (await client().conversations.open({ users: 'U1' })).channel?.id as string;
    await refusedFile(post(dm, { id }));
    await refusedFile(home('U1', id), 'view');
    expect(fake.messages('C1')).toEqual([]);
    expect(fake.homeView('U1')).toBeUndefined();
  });

  it('shows a file shared into one conversation only there, and to its members', async () => {
    const id = await processedPng('C1');
    const blocks = fileIn({ id });
    // Posted where it is shared: taken; in another channel of the bot: refused.
    const posted = await post('C1', { id });
    await refusedFile(post('C3', { id }));
    // An edit follows the same rule: a message in C3 cannot be edited to show it.
    const other = await client().chat.postMessage({ channel: 'C3', text: 'x' });
    await refusedFile(client().chat.update({ channel: 'C3', ts: other.ts as string, text: 'y', blocks }));
    await client().chat.update({ channel: 'C1', ts: posted.ts as string, text: 'y', blocks });
    await refusedFile(client().chat.postEphemeral({ channel: 'C3', user: 'U2', text: 'x', blocks }));
    await client().chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x', blocks });
    // Home tabs: U1 is in C1 and may see it; U2 is not.
    await home('U1', id);
    await refusedFile(home('U2', id), 'view');
    // A file shared into a person's DM with the app is theirs to see.
    const dm = (await client().conversations.open({ users: 'U2' })).channel?.id as string;
    const inDm = await processedPng(dm);
    await home('U2', inDm);
    await refusedFile(home('U1', inDm), 'view');
  });

  it('treats files as processed at once with fileProcessingCalls: 0', async () => {
    const other = await FakeSlack.start({ fileProcessingCalls: 0 });
    try {
      const web = slackClient(other);
      other.addUser({ id: 'U9', team_id: other.teamId, name: 'u9' });
      const dm = (await web.conversations.open({ users: 'U9' })).channel?.id as string;
      const id = uploadedId(await web.filesUploadV2({ file: PNG, filename: 'a.png', channel_id: dm }));
      expect((await web.files.info({ file: id })).file?.mimetype).toBe('image/png');
      await web.chat.postMessage({ channel: 'U9', text: 'x', blocks: [imageBlock({ slack_file: { id } })] });
      // The upload's share, then the post.
      expect(other.messages(other.dmChannelFor('U9'))).toHaveLength(2);
    } finally {
      await other.stop();
    }
  });
});
