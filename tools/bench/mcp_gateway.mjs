// What the MCP gateway adds to a tool call: the official MCP SDK's client
// calls the demo MCP server's `add` tool N times through /mcp (JSON answers,
// and event-stream answers), and the same call through POST /v1/mcp/call_tool,
// on one running server. Prints the latency percentiles of each path.
//
//   node tools/bench/mcp_gateway.mjs --url=http://127.0.0.1:8001 [--calls=2000] [--sdk=<folder>]
//
// --sdk: a folder whose node_modules holds @modelcontextprotocol/sdk (the
// build tree's sdk-clients, after `ctest -R SdkClientsInstall`).

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => {
  const [key, value] = arg.replace(/^--/, '').split('=');
  return [key, value ?? 'true'];
}));
const url = args.url ?? 'http://127.0.0.1:8001';
const calls = Number.parseInt(args.calls ?? '2000', 10);
const require = createRequire(join(args.sdk ?? process.cwd(), 'package.json'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

function summary(label, times) {
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  console.log(`| ${label} | ${times.length} | ${at(0.5)} | ${at(0.9)} | ${at(0.99)} |`);
}

async function timed(label, call) {
  for (let i = 0; i < 50; ++i) await call(i); // warm-up
  const times = [];
  for (let i = 0; i < calls; ++i) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  summary(label, times);
}

console.log('| path | calls | p50 ms | p90 ms | p99 ms |');
console.log('|---|---|---|---|---|');

await timed('POST /v1/mcp/call_tool', async (i) => {
  const response = await fetch(`${url}/v1/mcp/call_tool`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tool_name: 'add', args: { a: i, b: 1 } }),
  });
  const body = await response.json();
  if (body.result?.structuredContent?.sum !== i + 1) throw new Error(JSON.stringify(body));
});

// The SDK asks for JSON or an event stream; the gateway streams tools/call.
const client = new Client({ name: 'mcp-gateway-bench', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
await client.connect(transport);
await timed('/mcp tools/call (SDK client, event stream)', async (i) => {
  const result = await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
  if (result.structuredContent?.sum !== i + 1) throw new Error(JSON.stringify(result));
});

// A client that takes JSON only gets JSON.
await timed('/mcp tools/call (JSON only)', async (i) => {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Mcp-Session-Id': transport.sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'add', arguments: { a: i, b: 1 } } }),
  });
  const body = await response.json();
  if (body.result?.structuredContent?.sum !== i + 1) throw new Error(JSON.stringify(body));
});
await timed('/mcp tools/list (JSON)', async (i) => {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Mcp-Session-Id': transport.sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list' }),
  });
  const body = await response.json();
  if (!body.result?.tools?.length) throw new Error(JSON.stringify(body));
});
await transport.terminateSession();
await client.close();
