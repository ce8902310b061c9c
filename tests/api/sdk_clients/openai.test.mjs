// The official `openai` npm client against llm_server's OpenAI Chat
// Completions API, for the built-in echo backend and for each provider
// plugin behind the fake upstream. What the SDK accepts is the contract: a
// field it needs and does not get shows up here as a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, PROVIDERS, expectedReply, loadSdk, unavailableReason } from './harness.mjs';

const unavailable = unavailableReason();
if (unavailable) console.log(`SKIPPED: ${unavailable}`);

const MODELS = ['echo', 'oa/gpt-test', 'an/claude-test', 'ol/llama-test'];
const PROMPT = 'hello there';
const USER = [{ role: 'user', content: PROMPT }];

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function plainModel(backend) {
  return MODELS.find((m) => m.startsWith(`${backend}/`));
}

function assertUsage(usage) {
  assert.ok(usage, 'usage is missing');
  assert.ok(Number.isInteger(usage.prompt_tokens) && usage.prompt_tokens > 0, `prompt_tokens ${usage.prompt_tokens}`);
  assert.ok(Number.isInteger(usage.completion_tokens) && usage.completion_tokens > 0, `completion_tokens ${usage.completion_tokens}`);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
}

describe('openai SDK', { skip: unavailable ? `SKIPPED: ${unavailable}` : false, timeout: 50000 }, () => {
  let sdk;
  let gateway;
  let client;

  before(async () => {
    sdk = loadSdk('openai');
    gateway = await Gateway.start();
    // No SDK retries: a test of an error must see the server's first answer.
    client = new sdk.OpenAI({
      baseURL: `${gateway.url}/v1`,
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
      it('chat.completions.create answers a chat.completion', async () => {
        const completion = await client.chat.completions.create({ model, messages: USER });
        assert.equal(completion.object, 'chat.completion');
        assert.match(completion.id, /^chatcmpl-/);
        assert.equal(completion.model, model);
        assert.ok(Number.isInteger(completion.created) && completion.created > 0);
        assert.equal(completion.choices.length, 1);
        const [choice] = completion.choices;
        assert.equal(choice.index, 0);
        assert.equal(choice.message.role, 'assistant');
        assert.equal(choice.message.content, expectedReply(model, PROMPT));
        assert.equal(choice.finish_reason, 'stop');
        assertUsage(completion.usage);
      });

      it('streams chunks whose content joins to the answer, usage last', async () => {
        const stream = await client.chat.completions.create({
          model, messages: USER, stream: true, stream_options: { include_usage: true },
        });
        const chunks = [];
        for await (const chunk of stream) chunks.push(chunk);
        assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
        for (const chunk of chunks) {
          assert.equal(chunk.object, 'chat.completion.chunk');
          assert.equal(chunk.id, chunks[0].id);
          assert.equal(chunk.model, model);
        }
        const deltas = chunks.flatMap((c) => c.choices);
        assert.equal(deltas.map((c) => c.delta?.content ?? '').join(''), expectedReply(model, PROMPT));
        assert.equal(deltas[0].delta.role, 'assistant');
        assert.deepEqual(deltas.map((c) => c.finish_reason).filter(Boolean), ['stop']);
        const last = chunks.at(-1);
        assert.deepEqual(last.choices, []);
        assertUsage(last.usage);
      });

      it('the SDK\'s stream helper assembles the same completion', async () => {
        const runner = client.chat.completions.stream({ model, messages: USER });
        const completion = await runner.finalChatCompletion();
        assert.equal(completion.choices[0].message.content, expectedReply(model, PROMPT));
        assert.equal(completion.choices[0].finish_reason, 'stop');
      });
    });
  }

  for (const { backend, provider } of PROVIDERS) {
    it(`${backend}/tools: a tool call and its result make a round trip`, async () => {
      const question = { role: 'user', content: 'What is the weather in Paris?' };
      const first = await client.chat.completions.create({
        model: `${backend}/tools`, messages: [question], tools: [WEATHER_TOOL],
      });
      const [choice] = first.choices;
      assert.equal(choice.finish_reason, 'tool_calls');
      assert.equal(choice.message.role, 'assistant');
      assert.equal(choice.message.tool_calls?.length, 1, JSON.stringify(choice.message));
      const [call] = choice.message.tool_calls;
      assert.equal(call.type, 'function');
      assert.ok(typeof call.id === 'string' && call.id.length > 0, `tool call id ${call.id}`);
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

      // The fake answers `tools` with a call every time; another model of
      // the same backend gives the answer that follows the tool's result.
      const result = '18 degrees and sunny';
      const second = await client.chat.completions.create({
        model: plainModel(backend),
        tools: [WEATHER_TOOL],
        messages: [
          question,
          { role: 'assistant', content: null, tool_calls: choice.message.tool_calls },
          { role: 'tool', tool_call_id: call.id, content: result },
        ],
      });
      assert.equal(second.choices[0].finish_reason, 'stop');
      assert.match(second.choices[0].message.content, new RegExp(`^Reply from ${provider}:`));
      const sent = JSON.stringify((await gateway.stats()).last_body);
      assert.ok(sent.includes(result), `the tool result did not reach the upstream: ${sent}`);
      assert.ok(sent.includes('get_weather'), `the assistant's tool call did not reach the upstream: ${sent}`);
    });

    it(`${backend}/tools: streamed tool call deltas assemble to get_weather({city: Paris})`, async () => {
      const stream = await client.chat.completions.create({
        model: `${backend}/tools`,
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        tools: [WEATHER_TOOL],
        stream: true,
      });
      let name = '';
      let args = '';
      let finish = null;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          for (const delta of choice.delta?.tool_calls ?? []) {
            assert.equal(delta.index, 0);
            name += delta.function?.name ?? '';
            args += delta.function?.arguments ?? '';
          }
          finish = choice.finish_reason ?? finish;
        }
      }
      assert.equal(name, 'get_weather');
      assert.deepEqual(JSON.parse(args), { city: 'Paris' });
      assert.equal(finish, 'tool_calls');
    });
  }

  it('an unknown model is a NotFoundError with the server\'s message', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'nope/none', messages: USER }),
      (error) => {
        assert.ok(error instanceof sdk.NotFoundError, `${error.constructor.name}: ${error.message}`);
        assert.equal(error.status, 404);
        assert.match(error.message, /nope/);
        return true;
      },
    );
  });

  it('a request without messages is a BadRequestError naming the field', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'echo' }),
      (error) => {
        assert.ok(error instanceof sdk.BadRequestError, `${error.constructor.name}: ${error.message}`);
        assert.equal(error.status, 400);
        assert.match(error.message, /messages/);
        assert.equal(error.type, 'invalid_request_error');
        return true;
      },
    );
  });

  for (const { backend } of PROVIDERS) {
    it(`${backend}/fault-429: the upstream's rate limit is a RateLimitError`, async () => {
      await assert.rejects(
        client.chat.completions.create({ model: `${backend}/fault-429`, messages: USER }),
        (error) => {
          assert.ok(error instanceof sdk.RateLimitError, `${error.constructor.name} (${error.status}): ${error.message}`);
          assert.equal(error.status, 429);
          return true;
        },
      );
    });
  }

  for (const { backend } of PROVIDERS) {
    for (const fault of ['fault-error-mid', 'fault-cut']) {
      it(`${backend}/${fault}: a stream that breaks off raises an APIError, not a short answer`, async () => {
        const stream = await client.chat.completions.create({ model: `${backend}/${fault}`, messages: USER, stream: true });
        let text = '';
        await assert.rejects(
          (async () => {
            for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
          })(),
          (error) => {
            assert.ok(error instanceof sdk.APIError, `${error.constructor.name}: ${error.message}`);
            assert.match(error.message, new RegExp(`upstream '${backend}'`));
            return true;
          },
        );
        assert.ok(text.length > 0, 'the text before the break did not arrive');
      });
    }
  }

  it('models.list names every configured model', async () => {
    const ids = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, 'model');
      assert.equal(typeof model.owned_by, 'string');
      ids.push(model.id);
    }
    for (const model of MODELS) {
      const id = model.includes('/') ? model : 'echo/echo';
      assert.ok(ids.includes(id), `${id} is not in ${JSON.stringify(ids)}`);
    }
  });

  it('a server that requires a token takes the SDK\'s apiKey, and refuses a wrong one', async () => {
    const token = 'nash-sdk-test-token-0123456789';
    const guarded = await Gateway.start({ token });
    try {
      const make = (apiKey) => new sdk.OpenAI({ baseURL: `${guarded.url}/v1`, apiKey, maxRetries: 0, timeout: 10000 });
      const completion = await make(token).chat.completions.create({ model: 'echo', messages: USER });
      assert.equal(completion.choices[0].message.content, expectedReply('echo', PROMPT));
      await assert.rejects(make('wrong-token-0123456789').chat.completions.create({ model: 'echo', messages: USER }), (error) => {
        assert.ok(error instanceof sdk.AuthenticationError, `${error.constructor.name}: ${error.message}`);
        assert.equal(error.status, 401);
        return true;
      });
    } finally {
      await guarded.stop();
    }
  });

  for (const { backend } of PROVIDERS) {
    it(`${backend}/fault-stall-mid: aborting the stream closes the upstream within 1 s`, async (t) => {
      const before = (await gateway.stats()).client_closed;
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: `${backend}/fault-stall-mid`, messages: USER, stream: true },
        { signal: controller.signal },
      );
      const chunks = stream[Symbol.asyncIterator]();
      // The role chunk comes from the server alone; wait for upstream text,
      // so that the upstream is certainly mid-answer when the client leaves.
      for (;;) {
        const { value, done } = await chunks.next();
        assert.ok(!done, 'the stream ended before any content');
        if (value.choices[0]?.delta?.content) break;
      }
      const abortedAt = Date.now();
      controller.abort();
      // The SDK ends an aborted iteration quietly or with its abort error.
      const next = await chunks.next().catch((error) => error);
      assert.ok(next.done === true || next instanceof sdk.APIUserAbortError || next.name === 'AbortError', String(next));
      const elapsed = await gateway.waitForClientClosed(before, abortedAt);
      t.diagnostic(`the upstream saw the close ${elapsed} ms after the abort`);
      assert.ok(elapsed <= 1000, `the upstream saw the close ${elapsed} ms after the abort`);
    });
  }
});
