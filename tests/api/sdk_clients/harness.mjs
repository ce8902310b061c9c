// Shared by the SDK test scripts: starts the fake upstream and the real
// llm_server on loopback ports, loads the SDKs from the folder the ctest
// fixture installed them into, and reads the fake upstream's counters.
//
// Environment (set by CMakeLists.txt; by hand, point them at a build tree):
//   NASH_SERVER_BINARY         llm_server
//   NASH_FAKE_UPSTREAM_BINARY  tests/fake_upstream's binary
//   NASH_PLUGIN_DIR            the folder with openai.so, anthropic.so, ollama.so
//   NASH_SDK_DIR               where `npm ci` ran (node_modules inside); by
//                              default this folder, after `npm ci` in it
//
// By hand, from the source tree, with a build in build/:
//   npm ci --prefix tests/api/sdk_clients
//   NASH_SERVER_BINARY=build/bin/llm_server NASH_PLUGIN_DIR=build/bin/plugins \
//   NASH_FAKE_UPSTREAM_BINARY=build/tests/bin/fake_upstream \
//   node --test tests/api/sdk_clients/openai.test.mjs

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

// Every backend gets this key; no answer and no log line may ever show it.
export const SECRET = 'sk-test-Hq4Zn8Wd2Rv6Lc0Jm5';

// The provider backends of the generated ini, each behind the fake upstream,
// with the name the fake puts in its answers.
export const PROVIDERS = [
  { backend: 'oa', provider: 'openai' },
  { backend: 'an', provider: 'anthropic' },
  { backend: 'ol', provider: 'ollama' },
];

// What each configured model answers to `text`.
export function expectedReply(model, text) {
  if (model === 'echo' || model.startsWith('echo/')) return `Echo: ${text}`;
  const entry = PROVIDERS.find((p) => model.startsWith(`${p.backend}/`));
  return `Reply from ${entry.provider}: ${text}`;
}

const sdkDir = process.env.NASH_SDK_DIR || dirname(fileURLToPath(import.meta.url));

// Why the SDKs cannot be used here, or null. The install fixture leaves
// UNAVAILABLE when npm or the registry could not be reached: then the
// scripts report SKIPPED, which ctest counts as skipped, not passed.
export function unavailableReason() {
  const marker = join(sdkDir, 'UNAVAILABLE');
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim() || 'the SDKs are not installed';
  if (!existsSync(join(sdkDir, 'node_modules'))) return `no node_modules in ${sdkDir} (run npm ci there)`;
  return null;
}

// The SDKs live in the build tree, not beside these scripts, so a bare
// `import 'openai'` would not find them: resolve from NASH_SDK_DIR instead.
export function loadSdk(name) {
  return createRequire(join(sdkDir, 'package.json'))(name);
}

// The file a specifier names inside the install folder.
export function resolveInSdk(specifier) {
  return createRequire(join(sdkDir, 'package.json')).resolve(specifier);
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the top of harness.mjs)`);
  return value;
}

// Children are killed when this process ends for any reason, so that a
// failing or interrupted run leaves no server (and no temporary folder) behind.
const children = new Set();
const folders = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

class Child {
  constructor(label, binary, args, cwd) {
    this.label = label;
    this.output = '';
    this.exited = false;
    // The machine's provider variables must not change what the server does.
    const env = { ...process.env };
    for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OLLAMA_HOST']) {
      delete env[name];
    }
    this.process = spawn(binary, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this.process);
    const collect = (chunk) => { this.output += chunk.toString(); };
    this.process.stdout.on('data', collect);
    this.process.stderr.on('data', collect);
    this.done = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.exited = true;
        children.delete(this.process);
        resolve({ code, signal });
      });
      this.process.on('error', (error) => {
        this.output += `\n${error.message}`;
        this.exited = true;
        children.delete(this.process);
        resolve({ code: null, signal: null });
      });
    });
  }

  // Waits until the port file holds a port that answers `GET /health`.
  async port(portFile) {
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      if (this.exited) break;
      const text = existsSync(portFile) ? readFileSync(portFile, 'utf8') : '';
      const port = Number.parseInt(text, 10);
      if (text.endsWith('\n') && port > 0) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health`);
          await response.arrayBuffer();
          if (response.status === 200) return port;
        } catch {
          // not accepting yet
        }
      }
      await sleep(20);
    }
    await this.stop();
    throw new Error(`${this.label} did not start; its output:\n${this.output}`);
  }

  async stop() {
    if (this.exited) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await this.done;
    clearTimeout(timer);
  }
}

function iniText(upstream, pluginDir, token) {
  // The fake upstream's 429 carries Retry-After: 1; without retries the
  // RateLimitError tests take milliseconds instead of seconds. The short
  // timeouts keep a stalled upstream from outliving a test.
  const shared = [
    'max_retries = 0',
    'first_byte_timeout_ms = 5000',
    'idle_timeout_ms = 5000',
  ].join('\n');
  // A small body limit lets a test reach 413 without sending megabytes.
  const auth = token ? `[auth]\ntokens = ${token}\n` : '';
  return `${auth}[server]
host = 127.0.0.1
shutdown_grace_seconds = 1
max_body_bytes = 262144

[plugins]
path = ${pluginDir}

[chat]
default_model = echo

[backend.echo]
plugin = echo
models = echo

[backend.oa]
plugin = openai
base_url = ${upstream}/v1
api_key = ${SECRET}
models = gpt-test
${shared}

[backend.an]
plugin = anthropic
base_url = ${upstream}
api_key = ${SECRET}
models = claude-test
${shared}

[backend.ol]
plugin = ollama
base_url = ${upstream}
api_key = ${SECRET}
models = llama-test
${shared}
`;
}

// Every answer an SDK receives, as text, to prove no key leaks into one.
// The body is recorded as the SDK reads it (a tee would be read on its own,
// and undici leaves a clone hanging when the SDK aborts the request).
export function recordingFetch(answers) {
  return async (input, init) => {
    const response = await fetch(input, init);
    const record = { url: String(input?.url ?? input), status: response.status, body: '' };
    answers.push(record);
    if (!response.body) {
      record.complete = Promise.resolve();
      return response;
    }
    // `complete` settles when the SDK has read the whole answer, or gave up.
    let settle;
    record.complete = new Promise((resolve) => { settle = resolve; });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const body = new ReadableStream({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            settle();
            controller.close();
            return;
          }
          record.body += decoder.decode(value, { stream: true });
          controller.enqueue(value);
        } catch (error) {
          settle();
          controller.error(error);
        }
      },
      cancel(reason) {
        settle();
        return reader.cancel(reason);
      },
    });
    const recorded = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(recorded, 'url', { value: response.url });
    return recorded;
  };
}

export class Gateway {
  // `token`: the server requires it (Authorization: Bearer, or x-api-key).
  // `moreIni`: sections appended to the generated configuration.
  static async start({ token, moreIni = '' } = {}) {
    const gateway = new Gateway();
    await gateway.#start(token, moreIni);
    return gateway;
  }

  async #start(token, moreIni) {
    this.dir = mkdtempSync(join(tmpdir(), 'nash-sdk-'));
    folders.add(this.dir);
    this.answers = [];
    const upstreamPortFile = join(this.dir, 'upstream.port');
    this.upstream = new Child('fake_upstream', requiredEnv('NASH_FAKE_UPSTREAM_BINARY'),
      ['--port=0', `--port-file=${upstreamPortFile}`, '--host=127.0.0.1'], this.dir);
    const upstreamPort = await this.upstream.port(upstreamPortFile);
    this.upstreamUrl = `http://127.0.0.1:${upstreamPort}`;

    const ini = join(this.dir, 'llm_server.ini');
    writeFileSync(ini, iniText(this.upstreamUrl, requiredEnv('NASH_PLUGIN_DIR'), token) + moreIni);
    const serverPortFile = join(this.dir, 'server.port');
    this.server = new Child('llm_server', requiredEnv('NASH_SERVER_BINARY'),
      [`--config=${ini}`, '--port=0', `--port-file=${serverPortFile}`], this.dir);
    try {
      this.port = await this.server.port(serverPortFile);
    } catch (error) {
      await this.upstream.stop();
      throw error;
    }
    this.url = `http://127.0.0.1:${this.port}`;
  }

  fetch() {
    return recordingFetch(this.answers);
  }

  async stats() {
    const response = await fetch(`${this.upstreamUrl}/_stats`);
    return response.json();
  }

  // Polls the fake upstream until one more answer ended because its client
  // (the server) closed, and returns the milliseconds since `since`.
  async waitForClientClosed(before, since, limitMs = 1000) {
    const deadline = since + limitMs + 1000;
    while (Date.now() < deadline) {
      if ((await this.stats()).client_closed > before) return Date.now() - since;
      await sleep(10);
    }
    return Infinity;
  }

  // Where the key shows up in any answer or in the server's log, if at all;
  // after stop(), when every answer is whole.
  async leaks() {
    await Promise.all(this.answers.map((a) => a.complete));
    const places = this.answers.filter((a) => a.body.includes(SECRET)).map((a) => `answer of ${a.url}`);
    if (this.server?.output.includes(SECRET)) places.push("the server's log");
    return places;
  }

  serverOutput() {
    return this.server?.output ?? '';
  }

  async stop() {
    await this.server?.stop();
    await this.upstream?.stop();
    rmSync(this.dir, { recursive: true, force: true });
    folders.delete(this.dir);
  }
}
