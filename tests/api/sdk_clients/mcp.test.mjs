// MCP clients against /mcp, the server's MCP gateway, in front of the
// reference server-everything over stdio: the official TypeScript SDK's
// client with its Streamable HTTP transport, and the Inspector's CLI.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Gateway, loadSdk, resolveInSdk, unavailableReason } from './harness.mjs';

const unavailable = unavailableReason();
if (unavailable) console.log(`SKIPPED: ${unavailable}`);

const TOKEN = 'mcp-gateway-token-5Hq0Yt3Wz';

function everythingIni() {
  const index = join(dirname(resolveInSdk('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');
  return `
[mcp.demo]
enabled = false

[mcp.everything]
transport = stdio
command = ${process.execPath}
args = "${index}" stdio
`;
}

async function connect(url, headers = {}) {
  const { Client } = loadSdk('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = loadSdk('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const client = new Client({ name: 'nash-gateway-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  return { client, transport };
}

describe('MCP clients through /mcp', { skip: unavailable ? `SKIPPED: ${unavailable}` : false, timeout: 60000 }, () => {
  let gateway;

  before(async () => {
    gateway = await Gateway.start({ token: TOKEN, moreIni: everythingIni() });
  });

  after(async () => {
    await gateway?.stop();
  });

  it('the SDK client lists and calls the tools of server-everything', async () => {
    const { client, transport } = await connect(gateway.url, { Authorization: `Bearer ${TOKEN}` });
    try {
      assert.equal(client.getServerVersion().name, 'nash-llm-server');
      assert.ok(transport.sessionId, 'no Mcp-Session-Id');
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      for (const name of ['echo', 'get-sum', 'get-tiny-image', 'get-structured-content']) assert.ok(names.includes(name), `${name} missing from ${names}`);

      const echo = await client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } });
      assert.deepEqual(echo.content, [{ type: 'text', text: 'Echo: through the gateway' }]);

      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      assert.match(sum.content[0].text, /42/);

      // Content other than text passes untouched.
      const image = await client.callTool({ name: 'get-tiny-image', arguments: {} });
      const picture = image.content.find((part) => part.type === 'image');
      assert.ok(picture, JSON.stringify(image));
      assert.equal(picture.mimeType, 'image/png');
      assert.ok(picture.data.length > 100);

      const structured = await client.callTool({ name: 'get-structured-content', arguments: { location: 'New York' } });
      assert.ok(structured.structuredContent, JSON.stringify(structured));

      await assert.rejects(client.callTool({ name: 'no-such-tool', arguments: {} }), (error) => error.code === -32602);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });

  it('the SDK client gets prompts and reads resources', async () => {
    const { client, transport } = await connect(gateway.url, { Authorization: `Bearer ${TOKEN}` });
    try {
      const { prompts } = await client.listPrompts();
      assert.ok(prompts.some((prompt) => prompt.name === 'args-prompt'));
      const prompt = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris', state: 'IDF' } });
      assert.match(JSON.stringify(prompt.messages), /Paris/);

      const { resourceTemplates } = await client.listResourceTemplates();
      assert.ok(resourceTemplates.length > 0);
      const { resources } = await client.listResources();
      assert.ok(resources.length > 0);
      const read = await client.readResource({ uri: resources[0].uri });
      assert.equal(read.contents[0].uri, resources[0].uri);
      // A URI no list names, served by a template.
      const dynamic = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
      assert.equal(dynamic.contents[0].uri, 'demo://resource/dynamic/text/7');
      await client.ping();
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });

  it('resource updates reach the client that subscribed, on its GET stream', async () => {
    const { ResourceUpdatedNotificationSchema } = loadSdk('@modelcontextprotocol/sdk/types.js');
    const { client, transport } = await connect(gateway.url, { Authorization: `Bearer ${TOKEN}` });
    try {
      assert.equal(client.getServerCapabilities().resources.subscribe, true);
      const { resources } = await client.listResources();
      const uri = resources[0].uri;
      const updated = new Promise((resolve) => {
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
          if (notification.params.uri === uri) resolve(notification.params.uri);
        });
      });
      await client.subscribeResource({ uri });
      // server-everything then sends an update for each subscription every 5 s.
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no notifications/resources/updated within 12 s')), 12000));
      assert.equal(await Promise.race([updated, timeout]), uri);
      await client.unsubscribeResource({ uri });
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });

  it('a session ends with DELETE', async () => {
    const { client, transport } = await connect(gateway.url, { Authorization: `Bearer ${TOKEN}` });
    const session = transport.sessionId;
    await transport.terminateSession();
    await client.close();
    const response = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(response.status, 404);
  });

  it('the SDK client speaks to llm_server --mcp-stdio, as a desktop client starts it', async () => {
    const { Client } = loadSdk('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = loadSdk('@modelcontextprotocol/sdk/client/stdio.js');
    const transport = new StdioClientTransport({
      command: process.env.NASH_SERVER_BINARY,
      args: ['--mcp-stdio', `--config=${join(gateway.dir, 'llm_server.ini')}`],
      stderr: 'pipe',
    });
    let log = '';
    transport.stderr?.on('data', (chunk) => { log += chunk.toString(); });
    const client = new Client({ name: 'nash-stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      assert.equal(client.getServerVersion().name, 'nash-llm-server');
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'get-sum'), log);
      const echo = await client.callTool({ name: 'echo', arguments: { message: 'over stdio' } });
      assert.deepEqual(echo.content, [{ type: 'text', text: 'Echo: over stdio' }]);
      const dynamic = await client.readResource({ uri: 'demo://resource/dynamic/text/5' });
      assert.equal(dynamic.contents[0].uri, 'demo://resource/dynamic/text/5');
    } finally {
      await client.close();
    }
    // Its log went to standard error, never into the protocol's stream.
    assert.match(log, /standard input and output/);
  });

  it("the Inspector's CLI lists and calls tools", async () => {
    const cli = resolveInSdk('@modelcontextprotocol/inspector-cli/build/index.js');
    // The CLI finds its own package.json relative to the working directory.
    const run = (...args) => promisify(execFile)(process.execPath,
      [cli, `${gateway.url}/mcp`, '--header', `Authorization: Bearer ${TOKEN}`, ...args], { cwd: dirname(cli), timeout: 30000 });
    const listed = JSON.parse((await run('--method', 'tools/list')).stdout);
    assert.ok(listed.tools.some((tool) => tool.name === 'echo'));
    const called = JSON.parse((await run('--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'message=from the inspector')).stdout);
    assert.deepEqual(called.content, [{ type: 'text', text: 'Echo: from the inspector' }]);
    const read = JSON.parse((await run('--method', 'resources/read', '--uri', 'demo://resource/dynamic/text/3')).stdout);
    assert.equal(read.contents[0].uri, 'demo://resource/dynamic/text/3');
  });
});
