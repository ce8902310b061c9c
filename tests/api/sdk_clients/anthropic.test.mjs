// The official `@anthropic-ai/sdk` npm client against llm_server's
// Anthropic Messages API (POST /v1/messages and friends), for the built-in
// echo backend and for each provider plugin behind the fake upstream. The
// contract is Anthropic's API exactly: what the SDK needs is what we test.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, PROVIDERS, expectedReply, loadSdk, unavailableReason } from './harness.mjs';

const unavailable = unavailableReason();
if (unavailable) console.log(`SKIPPED: ${unavailable}`);

const MODELS = ['echo', 'oa/gpt-test', 'an/claude-test', 'ol/llama-test'];
const PROMPT = 'hello there';
const USER = [{ role: 'user', content: PROMPT }];
const MAX_TOKENS = 256;

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

// A 1x1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function plainModel(backend) {
  return MODELS.find((m) => m.startsWith(`${backend}/`));
}

function assertUsage(usage) {
  assert.ok(usage, 'usage is missing');
  assert.ok(Number.isInteger(usage.input_tokens) && usage.input_tokens > 0, `input_tokens ${usage.input_tokens}`);
  assert.ok(Number.isInteger(usage.output_tokens) && usage.output_tokens > 0, `output_tokens ${usage.output_tokens}`);
}

// The Anthropic error envelope, as the SDK keeps it on the error.
function assertEnvelope(error, type) {
  assert.equal(error.error?.type, 'error', `not an Anthropic error body: ${JSON.stringify(error.error)}`);
  assert.equal(error.error?.error?.type, type, JSON.stringify(error.error));
  assert.equal(typeof error.error?.error?.message, 'string');
}

function describeError(error) {
  return `${error.constructor.name} (${error.status}): ${error.message}`;
}

// Pings may come anywhere after message_start; the rest has a fixed order.
function assertEventOrder(events) {
  const types = events.map((e) => e.type).filter((t) => t !== 'ping');
  const shape = types.map((t) => ({
    message_start: 'S', content_block_start: '[', content_block_delta: 'd',
    content_block_stop: ']', message_delta: 'D', message_stop: 'E',
  })[t] ?? '?').join('');
  assert.match(shape, /^S(\[d*\])+DE$/, `event order: ${types.join(', ')}`);
}

describe('@anthropic-ai/sdk', { skip: unavailable ? `SKIPPED: ${unavailable}` : false, timeout: 50000 }, () => {
  let sdk;
  let gateway;
  let client;

  before(async () => {
    sdk = loadSdk('@anthropic-ai/sdk');
    gateway = await Gateway.start();
    // No SDK retries: a test of an error must see the server's first answer.
    client = new sdk.Anthropic({
      baseURL: gateway.url,
      apiKey: 'x',
      maxRetries: 0,
      timeout: 10000,
      fetch: gateway.fetch(),
    });
  });

  after(async () => {
    if (!gateway) return;
    await gateway.stop();
    const leaks = await gateway.leaks();
    assert.deepEqual(leaks, [], 'the backends\' key leaked');
  });

  for (const model of MODELS) {
    describe(model, () => {
      it('messages.create answers a message', async () => {
        const message = await client.messages.create({ model, max_tokens: MAX_TOKENS, messages: USER });
        assert.match(message.id, /^msg_/);
        assert.equal(message.type, 'message');
        assert.equal(message.role, 'assistant');
        assert.equal(message.model, model);
        assert.deepEqual(message.content.map((b) => b.type), ['text']);
        assert.equal(message.content[0].text, expectedReply(model, PROMPT));
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.stop_sequence, null);
        assertUsage(message.usage);
      });

      it('messages.stream emits the text and assembles the final message', async () => {
        const stream = client.messages.stream({ model, max_tokens: MAX_TOKENS, messages: USER });
        let text = '';
        stream.on('text', (delta) => { text += delta; });
        const message = await stream.finalMessage();
        assert.equal(text, expectedReply(model, PROMPT));
        assert.match(message.id, /^msg_/);
        assert.equal(message.content[0].text, expectedReply(model, PROMPT));
        assert.equal(message.stop_reason, 'end_turn');
        assertUsage(message.usage);
      });

      it('messages.create({stream: true}) sends the events in order', async () => {
        const stream = await client.messages.create({ model, max_tokens: MAX_TOKENS, messages: USER, stream: true });
        const events = [];
        for await (const event of stream) events.push(event);
        assertEventOrder(events);
        const start = events[0].message;
        assert.match(start.id, /^msg_/);
        assert.equal(start.type, 'message');
        assert.equal(start.role, 'assistant');
        assert.deepEqual(start.content, []);
        assert.equal(start.stop_reason, null);
        assert.ok(Number.isInteger(start.usage?.input_tokens), `message_start usage ${JSON.stringify(start.usage)}`);
        const blockStart = events.find((e) => e.type === 'content_block_start');
        assert.equal(blockStart.index, 0);
        assert.deepEqual(blockStart.content_block, { type: 'text', text: '' });
        const deltas = events.filter((e) => e.type === 'content_block_delta');
        for (const delta of deltas) assert.equal(delta.delta.type, 'text_delta');
        assert.equal(deltas.map((e) => e.delta.text).join(''), expectedReply(model, PROMPT));
        const messageDelta = events.find((e) => e.type === 'message_delta');
        assert.equal(messageDelta.delta.stop_reason, 'end_turn');
        assert.ok(messageDelta.usage?.output_tokens > 0, `message_delta usage ${JSON.stringify(messageDelta.usage)}`);

        // The SDK drops pings and events without a name, so check the wire:
        // each event is named as its data's type, and there is a ping.
        const answer = gateway.answers.at(-1);
        await answer.complete;
        const wire = answer.body.split('\n\n').filter((e) => e.trim()).map((e) => {
          const name = /^event: (.*)$/m.exec(e)?.[1];
          const data = JSON.parse(/^data: (.*)$/m.exec(e)?.[1] ?? 'null');
          return { name, type: data?.type };
        });
        for (const { name, type } of wire) assert.equal(name, type, answer.body);
        assert.equal(wire[0].name, 'message_start', answer.body);
        assert.ok(wire.some((e) => e.name === 'ping'), answer.body);
      });

      it('messages.countTokens counts the input', async () => {
        const short = await client.messages.countTokens({ model, messages: USER });
        assert.deepEqual(Object.keys(short), ['input_tokens']);
        assert.ok(Number.isInteger(short.input_tokens) && short.input_tokens > 0, JSON.stringify(short));
        const long = await client.messages.countTokens({
          model, system: 'Answer briefly.', messages: [{ role: 'user', content: PROMPT.repeat(50) }],
        });
        assert.ok(long.input_tokens > short.input_tokens, `${long.input_tokens} <= ${short.input_tokens}`);
      });
    });
  }

  for (const { backend, provider } of PROVIDERS) {
    it(`${backend}/tools: a tool_use and its tool_result make a round trip`, async () => {
      const question = { role: 'user', content: 'What is the weather in Paris?' };
      const first = await client.messages.create({
        model: `${backend}/tools`, max_tokens: MAX_TOKENS, messages: [question], tools: [WEATHER_TOOL],
      });
      assert.equal(first.stop_reason, 'tool_use');
      const uses = first.content.filter((b) => b.type === 'tool_use');
      assert.equal(uses.length, 1, JSON.stringify(first.content));
      const [use] = uses;
      assert.ok(typeof use.id === 'string' && use.id.length > 0, `tool_use id ${use.id}`);
      assert.equal(use.name, 'get_weather');
      assert.deepEqual(use.input, { city: 'Paris' });

      // The fake answers `tools` with a call every time; another model of
      // the same backend gives the answer that follows the tool's result.
      const result = '18 degrees and sunny';
      const second = await client.messages.create({
        model: plainModel(backend),
        max_tokens: MAX_TOKENS,
        tools: [WEATHER_TOOL],
        messages: [
          question,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: result }] },
        ],
      });
      assert.equal(second.stop_reason, 'end_turn');
      assert.equal(second.content[0]?.type, 'text', JSON.stringify(second.content));
      assert.match(second.content[0].text, new RegExp(`^Reply from ${provider}:`));
      const sent = JSON.stringify((await gateway.stats()).last_body);
      assert.ok(sent.includes(result), `the tool result did not reach the upstream: ${sent}`);
      assert.ok(sent.includes('get_weather'), `the assistant's tool call did not reach the upstream: ${sent}`);
    });

    it(`${backend}/tools: streamed input_json_delta assembles to {city: Paris}`, async () => {
      const stream = client.messages.stream({
        model: `${backend}/tools`,
        max_tokens: MAX_TOKENS,
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        tools: [WEATHER_TOOL],
      });
      const events = [];
      stream.on('streamEvent', (event) => events.push(event));
      const message = await stream.finalMessage();
      assertEventOrder(events);
      const blockStart = events.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
      assert.ok(blockStart, `no tool_use block: ${JSON.stringify(events)}`);
      assert.equal(blockStart.content_block.name, 'get_weather');
      assert.deepEqual(blockStart.content_block.input, {});
      const json = events.filter((e) => e.type === 'content_block_delta' && e.index === blockStart.index);
      assert.ok(json.length > 0 && json.every((e) => e.delta.type === 'input_json_delta'), JSON.stringify(json));
      assert.deepEqual(JSON.parse(json.map((e) => e.delta.partial_json).join('')), { city: 'Paris' });
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(message.content.find((b) => b.type === 'tool_use')?.input, { city: 'Paris' });
    });
  }

  it('an unknown model is a NotFoundError with not_found_error', async () => {
    await assert.rejects(
      client.messages.create({ model: 'nope/none', max_tokens: MAX_TOKENS, messages: USER }),
      (error) => {
        assert.ok(error instanceof sdk.NotFoundError, describeError(error));
        assertEnvelope(error, 'not_found_error');
        assert.match(error.message, /nope/);
        return true;
      },
    );
  });

  it('a request without messages is a BadRequestError with invalid_request_error', async () => {
    await assert.rejects(
      client.messages.create({ model: 'echo', max_tokens: MAX_TOKENS }),
      (error) => {
        assert.ok(error instanceof sdk.BadRequestError, describeError(error));
        assertEnvelope(error, 'invalid_request_error');
        assert.match(error.message, /messages/);
        return true;
      },
    );
  });

  it('a body over the server\'s limit is a ContentTooLargeError with request_too_large', async () => {
    await assert.rejects(
      client.messages.create({ model: 'echo', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: 'x'.repeat(300000) }] }),
      (error) => {
        assert.ok(error instanceof sdk.ContentTooLargeError, describeError(error));
        assertEnvelope(error, 'request_too_large');
        return true;
      },
    );
  });

  for (const { backend } of PROVIDERS) {
    it(`${backend}/fault-429: the upstream's rate limit is a RateLimitError`, async () => {
      await assert.rejects(
        client.messages.create({ model: `${backend}/fault-429`, max_tokens: MAX_TOKENS, messages: USER }),
        (error) => {
          assert.ok(error instanceof sdk.RateLimitError, describeError(error));
          assertEnvelope(error, 'rate_limit_error');
          return true;
        },
      );
    });
  }

  it('an/fault-529: the upstream\'s overload is an OverloadedError', async () => {
    await assert.rejects(
      client.messages.create({ model: 'an/fault-529', max_tokens: MAX_TOKENS, messages: USER }),
      (error) => {
        assert.ok(error instanceof sdk.OverloadedError, describeError(error));
        assertEnvelope(error, 'overloaded_error');
        return true;
      },
    );
  });

  it('an/fault-500: an upstream failure is an InternalServerError with api_error', async () => {
    await assert.rejects(
      client.messages.create({ model: 'an/fault-500', max_tokens: MAX_TOKENS, messages: USER }),
      (error) => {
        assert.ok(error instanceof sdk.InternalServerError, describeError(error));
        assertEnvelope(error, 'api_error');
        return true;
      },
    );
  });

  for (const { backend } of PROVIDERS) {
    for (const fault of ['fault-error-mid', 'fault-cut']) {
      it(`${backend}/${fault}: a stream that breaks off raises an APIError, not a short message`, async () => {
        const stream = client.messages.stream({ model: `${backend}/${fault}`, max_tokens: MAX_TOKENS, messages: USER });
        let text = '';
        stream.on('text', (delta) => { text += delta; });
        await assert.rejects(stream.finalMessage(), (error) => {
          assert.ok(error instanceof sdk.APIError, `${error.constructor.name}: ${error.message}`);
          // Anthropic's own mid-stream error is "overloaded_error", and is
          // passed on as such; any other provider's break is an api_error.
          const expected = backend === 'an' && fault === 'fault-error-mid' ? 'overloaded_error' : 'api_error';
          assert.equal(error.type, expected, error.message);
          assert.match(error.message, new RegExp(`upstream '${backend}'`));
          return true;
        });
        assert.ok(text.length > 0, 'the text before the break did not arrive');
      });
    }
  }

  it('models.list answers in Anthropic\'s shape', async () => {
    const page = await client.models.list();
    assert.equal(page.has_more, false);
    const ids = page.data.map((m) => m.id);
    assert.equal(page.first_id, ids[0]);
    assert.equal(page.last_id, ids.at(-1));
    for (const model of page.data) {
      assert.equal(model.type, 'model', JSON.stringify(model));
      assert.equal(typeof model.display_name, 'string', JSON.stringify(model));
      assert.ok(!Number.isNaN(Date.parse(model.created_at)), `created_at ${model.created_at}`);
    }
    for (const model of MODELS) {
      const id = model.includes('/') ? model : 'echo/echo';
      assert.ok(ids.includes(id), `${id} is not in ${JSON.stringify(ids)}`);
    }
  });

  for (const model of ['an/claude-test', 'oa/gpt-test']) {
    it(`${model}: a system prompt as a string and as blocks reaches the upstream`, async () => {
      for (const system of ['Answer like a pirate.', [{ type: 'text', text: 'Answer like a pirate.' }]]) {
        const message = await client.messages.create({ model, max_tokens: MAX_TOKENS, system, messages: USER });
        assert.equal(message.content[0].text, expectedReply(model, PROMPT));
        const sent = JSON.stringify((await gateway.stats()).last_body);
        assert.ok(sent.includes('Answer like a pirate.'), `no system prompt upstream: ${sent}`);
      }
    });

    it(`${model}: an image block (base64) is accepted and forwarded`, async () => {
      const message = await client.messages.create({
        model,
        max_tokens: MAX_TOKENS,
        messages: [{
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'text', text: 'What is in this picture?' },
          ],
        }],
      });
      assert.equal(message.content[0].text, expectedReply(model, 'What is in this picture?'));
      const sent = JSON.stringify((await gateway.stats()).last_body);
      assert.ok(sent.includes(PNG), `the image did not reach the upstream: ${sent.slice(0, 2000)}`);
    });
  }

  it('echo: a system prompt as a string and as blocks is accepted', async () => {
    for (const system of ['Answer like a pirate.', [{ type: 'text', text: 'Answer like a pirate.' }]]) {
      const message = await client.messages.create({ model: 'echo', max_tokens: MAX_TOKENS, system, messages: USER });
      assert.equal(message.content[0].text, expectedReply('echo', PROMPT));
    }
  });

  it('a server that requires a token takes the SDK\'s apiKey or authToken, and refuses a wrong one', async () => {
    const token = 'nash-sdk-test-token-0123456789';
    const guarded = await Gateway.start({ token });
    try {
      const make = (auth) => new sdk.Anthropic({ baseURL: guarded.url, maxRetries: 0, timeout: 10000, ...auth });
      const request = { model: 'echo', max_tokens: MAX_TOKENS, messages: USER };
      // apiKey travels as x-api-key, authToken as Authorization: Bearer.
      for (const auth of [{ apiKey: token }, { apiKey: null, authToken: token }]) {
        const message = await make(auth).messages.create(request);
        assert.equal(message.content[0].text, expectedReply('echo', PROMPT), JSON.stringify(Object.keys(auth)));
      }
      await assert.rejects(make({ apiKey: 'wrong-token-0123456789' }).messages.create(request), (error) => {
        assert.ok(error instanceof sdk.AuthenticationError, describeError(error));
        assertEnvelope(error, 'authentication_error');
        return true;
      });
    } finally {
      await guarded.stop();
    }
  });

  for (const { backend } of PROVIDERS) {
    it(`${backend}/fault-stall-mid: stream.abort() closes the upstream within 1 s`, async (t) => {
      const before = (await gateway.stats()).client_closed;
      const stream = client.messages.stream({ model: `${backend}/fault-stall-mid`, max_tokens: MAX_TOKENS, messages: USER });
      const ended = stream.finalMessage().then(() => null, (error) => error);
      // Upstream text proves the upstream is mid-answer when the client leaves.
      await new Promise((resolve, reject) => {
        stream.once('text', resolve);
        ended.then((error) => reject(error ?? new Error('the stream ended before any text')));
      });
      const abortedAt = Date.now();
      stream.abort();
      const error = await ended;
      assert.ok(error instanceof sdk.APIUserAbortError, `after abort: ${error}`);
      const elapsed = await gateway.waitForClientClosed(before, abortedAt);
      t.diagnostic(`the upstream saw the close ${elapsed} ms after the abort`);
      assert.ok(elapsed <= 1000, `the upstream saw the close ${elapsed} ms after the abort`);
    });
  }
});
