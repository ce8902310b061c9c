#!/usr/bin/env node
// nash-conformance-test-server
//
// An MCP server that implements every tool, resource, prompt and utility the
// SERVER scenarios of @modelcontextprotocol/conformance (0.1.13) look for, so
// that the suite can be pointed at our gateway's /mcp endpoint while the
// gateway fronts this process.
//
// Usage:
//   node server.mjs              stdio transport (how the gateway starts it).
//                                stdout carries JSON-RPC only; logs go to stderr.
//   node server.mjs --http PORT  Streamable HTTP at http://127.0.0.1:PORT/mcp.
//                                Only used to show that the server itself passes
//                                the scenarios without the gateway in between.
//
// SDK location: set NASH_MCP_SDK_DIR to a folder whose node_modules holds
// @modelcontextprotocol/sdk (e.g. build/mcp-conformance). ESM ignores
// NODE_PATH, so the SDK is loaded through createRequire (its CommonJS build,
// via the package's exports map) from that folder; without the variable we
// fall back to the current directory and then to this file's directory
// (CommonJS resolution from createRequire also honours NODE_PATH).

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';

const SERVER_NAME = 'nash-conformance-test-server';
const SERVER_VERSION = '1.0.0';

// ---------------------------------------------------------------------------
// Logging: stdout belongs to the JSON-RPC stream in stdio mode, so anything
// human-readable goes to stderr. console.log is rerouted too, in case the SDK
// or a future edit prints something.
// ---------------------------------------------------------------------------
function log(...args) {
    process.stderr.write(`[${SERVER_NAME}] ${args.join(' ')}\n`);
}
console.log = (...args) => log(...args);
console.info = (...args) => log(...args);

// ---------------------------------------------------------------------------
// SDK resolution
// ---------------------------------------------------------------------------
function loadSdk() {
    const bases = [];
    if (process.env.NASH_MCP_SDK_DIR) bases.push(path.resolve(process.env.NASH_MCP_SDK_DIR));
    bases.push(process.cwd());
    bases.push(path.dirname(new URL(import.meta.url).pathname));
    const errors = [];
    for (const base of bases) {
        // createRequire wants a file path; the file itself need not exist.
        const req = createRequire(path.join(base, 'package.json'));
        try {
            return {
                from: path.dirname(req.resolve('@modelcontextprotocol/sdk/package.json')),
                ...req('@modelcontextprotocol/sdk/server/index.js'),
                ...req('@modelcontextprotocol/sdk/server/stdio.js'),
                ...req('@modelcontextprotocol/sdk/server/streamableHttp.js'),
                types: req('@modelcontextprotocol/sdk/types.js'),
            };
        } catch (err) {
            errors.push(`${base}: ${err.message.split('\n')[0]}`);
        }
    }
    log('cannot load @modelcontextprotocol/sdk; set NASH_MCP_SDK_DIR to a folder',
        'containing node_modules/@modelcontextprotocol/sdk. Tried:\n  ' + errors.join('\n  '));
    process.exit(2);
}

const sdk = loadSdk();
const { Server, StdioServerTransport, StreamableHTTPServerTransport, types: T } = sdk;

// ---------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------

// A 1x1 red pixel PNG (RGB, 8 bit), produced once with zlib and a CRC-32.
const PNG_1x1_RED =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC';

// A tiny but valid PCM WAV: 8 kHz, mono, 16 bit, a handful of silent samples.
function makeWav(samples = 8) {
    const dataBytes = samples * 2;
    const b = Buffer.alloc(44 + dataBytes);
    b.write('RIFF', 0);
    b.writeUInt32LE(36 + dataBytes, 4);
    b.write('WAVE', 8);
    b.write('fmt ', 12);
    b.writeUInt32LE(16, 16); // fmt chunk size
    b.writeUInt16LE(1, 20); // PCM
    b.writeUInt16LE(1, 22); // channels
    b.writeUInt32LE(8000, 24); // sample rate
    b.writeUInt32LE(8000 * 2, 28); // byte rate
    b.writeUInt16LE(2, 32); // block align
    b.writeUInt16LE(16, 34); // bits per sample
    b.write('data', 36);
    b.writeUInt32LE(dataBytes, 40);
    return b.toString('base64');
}
const WAV_SILENCE = makeWav();

const STATIC_TEXT = 'This is the content of the static text resource.';
const WATCHED_URI = 'test://watched-resource';
const TEMPLATE_RE = /^test:\/\/template\/([^/]+)\/data$/;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (t) => ({ type: 'text', text: t });

// ---------------------------------------------------------------------------
// Tools. Names, arguments and results follow the scenario descriptions.
// ---------------------------------------------------------------------------
const noArgs = { type: 'object', properties: {} };

const TOOLS = [
    { name: 'test_simple_text', description: 'Returns one text content item', inputSchema: noArgs },
    { name: 'test_image_content', description: 'Returns one PNG image content item', inputSchema: noArgs },
    { name: 'test_audio_content', description: 'Returns one WAV audio content item', inputSchema: noArgs },
    { name: 'test_embedded_resource', description: 'Returns an embedded text resource', inputSchema: noArgs },
    {
        name: 'test_multiple_content_types',
        description: 'Returns text, image and embedded resource content together',
        inputSchema: noArgs,
    },
    {
        name: 'test_tool_with_logging',
        description: 'Sends three info log notifications ~50 ms apart while running',
        inputSchema: noArgs,
    },
    {
        name: 'test_tool_with_progress',
        description: 'Reports progress 0, 50, 100 of 100 when given a progress token',
        inputSchema: noArgs,
    },
    { name: 'test_error_handling', description: 'Always fails with isError: true', inputSchema: noArgs },
    {
        name: 'test_sampling',
        description: 'Asks the client for an LLM completion (sampling/createMessage)',
        inputSchema: {
            type: 'object',
            properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } },
            required: ['prompt'],
        },
    },
    {
        name: 'test_elicitation',
        description: 'Asks the client for user input (elicitation/create)',
        inputSchema: {
            type: 'object',
            properties: { message: { type: 'string', description: 'The message to show the user' } },
            required: ['message'],
        },
    },
    {
        name: 'test_elicitation_sep1034_defaults',
        description: 'Elicitation whose schema has defaults for every primitive type (SEP-1034)',
        inputSchema: noArgs,
    },
    {
        name: 'test_elicitation_sep1330_enums',
        description: 'Elicitation whose schema uses all five enum forms (SEP-1330)',
        inputSchema: noArgs,
    },
    {
        // The scenario checks that $schema, $defs and additionalProperties reach
        // the client untouched, so this schema is served verbatim.
        name: 'json_schema_2020_12_tool',
        description: 'Tool with JSON Schema 2020-12 features',
        inputSchema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            $defs: {
                address: {
                    type: 'object',
                    properties: { street: { type: 'string' }, city: { type: 'string' } },
                },
            },
            properties: {
                name: { type: 'string' },
                address: { $ref: '#/$defs/address' },
            },
            additionalProperties: false,
        },
    },
    {
        name: 'test_reconnection',
        description:
            'Over HTTP, closes its own SSE response stream mid-call and delivers the result after the ' +
            'client resumes with Last-Event-ID (SEP-1699). Over stdio it simply returns after a short pause.',
        inputSchema: noArgs,
    },
];

// ---------------------------------------------------------------------------
// Resources and prompts
// ---------------------------------------------------------------------------
const RESOURCES = [
    {
        uri: 'test://static-text',
        name: 'static-text',
        description: 'A static text resource',
        mimeType: 'text/plain',
    },
    {
        uri: 'test://static-binary',
        name: 'static-binary',
        description: 'A static binary resource (1x1 PNG)',
        mimeType: 'image/png',
    },
    {
        uri: WATCHED_URI,
        name: 'watched-resource',
        description: 'A resource that supports subscribe/unsubscribe',
        mimeType: 'text/plain',
    },
];

const RESOURCE_TEMPLATES = [
    {
        uriTemplate: 'test://template/{id}/data',
        name: 'template-data',
        description: 'Per-id JSON data; {id} is substituted into the content',
        mimeType: 'application/json',
    },
];

const PROMPTS = [
    { name: 'test_simple_prompt', description: 'A prompt without arguments' },
    {
        name: 'test_prompt_with_arguments',
        description: 'A prompt that substitutes two arguments',
        arguments: [
            { name: 'arg1', description: 'First test argument', required: true },
            { name: 'arg2', description: 'Second test argument', required: true },
        ],
    },
    {
        name: 'test_prompt_with_embedded_resource',
        description: 'A prompt that embeds a resource',
        arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    },
    { name: 'test_prompt_with_image', description: 'A prompt that contains an image' },
];

// Candidate values for completion/complete, per prompt argument / template variable.
const COMPLETIONS = {
    'test_prompt_with_arguments/arg1': ['paris', 'park', 'party', 'test', 'testing', 'tester'],
    'test_prompt_with_arguments/arg2': ['alpha', 'beta', 'gamma'],
    'test://template/{id}/data/id': ['1', '2', '3', '42', '123'],
};

function mcpError(code, message) {
    return new T.McpError(code, message);
}

// ---------------------------------------------------------------------------
// One Server instance per MCP session (stdio has exactly one session; HTTP one
// per Mcp-Session-Id), because the SDK's Server/Protocol object is bound to a
// single transport and holds per-connection state (client capabilities, log
// level, subscriptions).
//
// hooks.closeRequestStream(extra) is provided by the HTTP mode only: it closes
// the SSE stream that carries the response of the current request.
// ---------------------------------------------------------------------------
function createMcpServer(hooks = {}) {
    const server = new Server(
        { name: SERVER_NAME, version: SERVER_VERSION },
        {
            capabilities: {
                tools: { listChanged: true },
                resources: { subscribe: true, listChanged: true },
                prompts: { listChanged: true },
                logging: {},
                completions: {},
            },
            instructions: 'Test server for the MCP conformance suite. Not for real use.',
        },
    );
    const subscriptions = new Set();

    // Log notifications tied to the current request (relatedRequestId), so that
    // over Streamable HTTP they travel on that request's SSE stream. The level
    // filter uses the level the SDK recorded from logging/setLevel (the SDK
    // registers that handler itself because the logging capability is set).
    async function logTo(extra, level, message) {
        if (server.isMessageIgnored?.(level, extra.sessionId)) return;
        await extra.sendNotification({
            method: 'notifications/message',
            params: { level, logger: SERVER_NAME, data: message },
        });
    }

    // Server-to-client requests also go through extra.sendRequest so that they
    // are related to the tool call (same SSE stream over HTTP).
    async function elicit(extra, params) {
        return extra.sendRequest({ method: 'elicitation/create', params }, T.ElicitResultSchema);
    }

    const toolHandlers = {
        test_simple_text: async () => ({ content: [text('This is a simple text response for testing.')] }),

        test_image_content: async () => ({
            content: [{ type: 'image', data: PNG_1x1_RED, mimeType: 'image/png' }],
        }),

        test_audio_content: async () => ({
            content: [{ type: 'audio', data: WAV_SILENCE, mimeType: 'audio/wav' }],
        }),

        test_embedded_resource: async () => ({
            content: [
                {
                    type: 'resource',
                    resource: {
                        uri: 'test://embedded-resource',
                        mimeType: 'text/plain',
                        text: 'This is an embedded resource content.',
                    },
                },
            ],
        }),

        test_multiple_content_types: async () => ({
            content: [
                text('Multiple content types test:'),
                { type: 'image', data: PNG_1x1_RED, mimeType: 'image/png' },
                {
                    type: 'resource',
                    resource: {
                        uri: 'test://mixed-content-resource',
                        mimeType: 'application/json',
                        text: JSON.stringify({ test: 'data', value: 123 }),
                    },
                },
            ],
        }),

        test_tool_with_logging: async (_args, extra) => {
            await logTo(extra, 'info', 'Tool execution started');
            await sleep(50);
            await logTo(extra, 'info', 'Tool processing data');
            await sleep(50);
            await logTo(extra, 'info', 'Tool execution completed');
            return { content: [text('Tool with logging executed successfully')] };
        },

        test_tool_with_progress: async (_args, extra) => {
            const token = extra._meta?.progressToken;
            for (const progress of [0, 50, 100]) {
                if (progress > 0) await sleep(50);
                if (token !== undefined) {
                    await extra.sendNotification({
                        method: 'notifications/progress',
                        params: { progressToken: token, progress, total: 100, message: `Step ${progress}/100` },
                    });
                }
            }
            // The SDK client (the suite's client) dispatches notifications one
            // microtask later than responses, and drops its progress handler when
            // the response arrives; if the last progress notification and the
            // result reach it in one read (stdio, or a proxy coalescing SSE
            // writes) the 100/100 notification is lost. A short pause keeps them
            // apart, so a run through the gateway is not flaky for that reason.
            await sleep(20);
            return { content: [text(`Progress tool finished (token: ${token ?? 'none'})`)] };
        },

        // A tool-level failure is reported in the result (isError), not as a
        // JSON-RPC error: that is what the scenario checks.
        test_error_handling: async () => ({
            isError: true,
            content: [text('This tool intentionally returns an error for testing')],
        }),

        test_sampling: async (args, extra) => {
            if (!server.getClientCapabilities()?.sampling) {
                return { isError: true, content: [text('Client does not support sampling')] };
            }
            const result = await extra.sendRequest(
                {
                    method: 'sampling/createMessage',
                    params: {
                        messages: [{ role: 'user', content: text(String(args.prompt ?? '')) }],
                        maxTokens: 100,
                    },
                },
                T.CreateMessageResultSchema,
            );
            const reply = result.content?.type === 'text' ? result.content.text : JSON.stringify(result.content);
            return { content: [text(`LLM response: ${reply}`)] };
        },

        test_elicitation: async (args, extra) => {
            if (!server.getClientCapabilities()?.elicitation) {
                return { isError: true, content: [text('Client does not support elicitation')] };
            }
            const result = await elicit(extra, {
                message: String(args.message ?? ''),
                requestedSchema: {
                    type: 'object',
                    properties: {
                        username: { type: 'string', description: "User's response" },
                        email: { type: 'string', description: "User's email address" },
                    },
                    required: ['username', 'email'],
                },
            });
            return {
                content: [
                    text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`),
                ],
            };
        },

        test_elicitation_sep1034_defaults: async (_args, extra) => {
            const result = await elicit(extra, {
                message: 'Please review the pre-filled values',
                requestedSchema: {
                    type: 'object',
                    properties: {
                        name: { type: 'string', description: 'User name', default: 'John Doe' },
                        age: { type: 'integer', description: 'User age', default: 30 },
                        score: { type: 'number', description: 'User score', default: 95.5 },
                        status: {
                            type: 'string',
                            description: 'User status',
                            enum: ['active', 'inactive', 'pending'],
                            default: 'active',
                        },
                        verified: { type: 'boolean', description: 'Verification status', default: true },
                    },
                    required: [],
                },
            });
            return {
                content: [
                    text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`),
                ],
            };
        },

        test_elicitation_sep1330_enums: async (_args, extra) => {
            const result = await elicit(extra, {
                message: 'Please pick from each list',
                requestedSchema: {
                    type: 'object',
                    properties: {
                        // 1. untitled single-select
                        untitledSingle: {
                            type: 'string',
                            description: 'Untitled single choice',
                            enum: ['option1', 'option2', 'option3'],
                        },
                        // 2. titled single-select
                        titledSingle: {
                            type: 'string',
                            description: 'Titled single choice',
                            oneOf: [
                                { const: 'value1', title: 'First Option' },
                                { const: 'value2', title: 'Second Option' },
                                { const: 'value3', title: 'Third Option' },
                            ],
                        },
                        // 3. legacy titled single-select (deprecated enumNames)
                        legacyEnum: {
                            type: 'string',
                            description: 'Legacy titled choice',
                            enum: ['opt1', 'opt2', 'opt3'],
                            enumNames: ['Option One', 'Option Two', 'Option Three'],
                        },
                        // 4. untitled multi-select
                        untitledMulti: {
                            type: 'array',
                            description: 'Untitled multiple choice',
                            items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
                        },
                        // 5. titled multi-select
                        titledMulti: {
                            type: 'array',
                            description: 'Titled multiple choice',
                            items: {
                                anyOf: [
                                    { const: 'value1', title: 'First Choice' },
                                    { const: 'value2', title: 'Second Choice' },
                                    { const: 'value3', title: 'Third Choice' },
                                ],
                            },
                        },
                    },
                    required: [],
                },
            });
            return {
                content: [
                    text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`),
                ],
            };
        },

        json_schema_2020_12_tool: async (args) => ({
            content: [text(`json_schema_2020_12_tool called with ${JSON.stringify(args ?? {})}`)],
        }),

        // SEP-1699 polling. Over HTTP the response stream is closed right away
        // (after the priming event the client holds an event id), the result is
        // produced a little later and reaches the client on its GET resume
        // (replayed from the event store, or live if it reconnected first).
        // Over stdio there is no stream to close; the gateway owns that part.
        test_reconnection: async (_args, extra) => {
            const closed = hooks.closeRequestStream ? hooks.closeRequestStream(extra) : false;
            await sleep(closed ? 200 : 50);
            return {
                content: [
                    text('Reconnection test completed successfully' + (closed ? ' (stream was closed mid-call)' : '')),
                ],
            };
        },
    };

    server.setRequestHandler(T.ListToolsRequestSchema, async () => ({ tools: TOOLS }));

    server.setRequestHandler(T.CallToolRequestSchema, async (request, extra) => {
        const handler = toolHandlers[request.params.name];
        if (!handler) throw mcpError(T.ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
        try {
            return await handler(request.params.arguments ?? {}, extra);
        } catch (err) {
            // Failures inside a tool (e.g. the client refused elicitation) are
            // tool results, so the model/caller can see them.
            return { isError: true, content: [text(`Tool ${request.params.name} failed: ${err.message}`)] };
        }
    });

    server.setRequestHandler(T.ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));
    server.setRequestHandler(T.ListResourceTemplatesRequestSchema, async () => ({
        resourceTemplates: RESOURCE_TEMPLATES,
    }));

    server.setRequestHandler(T.ReadResourceRequestSchema, async (request) => {
        const { uri } = request.params;
        if (uri === 'test://static-text') {
            return { contents: [{ uri, mimeType: 'text/plain', text: STATIC_TEXT }] };
        }
        if (uri === 'test://static-binary') {
            return { contents: [{ uri, mimeType: 'image/png', blob: PNG_1x1_RED }] };
        }
        if (uri === WATCHED_URI) {
            return { contents: [{ uri, mimeType: 'text/plain', text: `Watched resource content at ${new Date().toISOString()}` }] };
        }
        const m = TEMPLATE_RE.exec(uri);
        if (m) {
            const id = decodeURIComponent(m[1]);
            return {
                contents: [
                    {
                        uri,
                        mimeType: 'application/json',
                        text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
                    },
                ],
            };
        }
        // -32002 is the spec's "Resource not found" code.
        throw mcpError(-32002, `Resource not found: ${uri}`);
    });

    server.setRequestHandler(T.SubscribeRequestSchema, async (request) => {
        const { uri } = request.params;
        subscriptions.add(uri);
        // Send one notifications/resources/updated shortly after subscribing, so a
        // gateway has an unsolicited server notification to route (over HTTP it
        // goes to the GET stream, or into the event store if none is open).
        setTimeout(() => {
            if (!subscriptions.has(uri)) return;
            server.sendResourceUpdated({ uri }).catch(() => {});
        }, 100).unref();
        return {};
    });

    server.setRequestHandler(T.UnsubscribeRequestSchema, async (request) => {
        subscriptions.delete(request.params.uri);
        return {};
    });

    server.setRequestHandler(T.ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));

    server.setRequestHandler(T.GetPromptRequestSchema, async (request) => {
        const { name } = request.params;
        const args = request.params.arguments ?? {};
        switch (name) {
            case 'test_simple_prompt':
                return { messages: [{ role: 'user', content: text('This is a simple prompt for testing.') }] };
            case 'test_prompt_with_arguments':
                return {
                    messages: [
                        {
                            role: 'user',
                            content: text(`Prompt with arguments: arg1='${args.arg1 ?? ''}', arg2='${args.arg2 ?? ''}'`),
                        },
                    ],
                };
            case 'test_prompt_with_embedded_resource':
                return {
                    messages: [
                        {
                            role: 'user',
                            content: {
                                type: 'resource',
                                resource: {
                                    uri: args.resourceUri ?? 'test://example-resource',
                                    mimeType: 'text/plain',
                                    text: 'Embedded resource content for testing.',
                                },
                            },
                        },
                        { role: 'user', content: text('Please process the embedded resource above.') },
                    ],
                };
            case 'test_prompt_with_image':
                return {
                    messages: [
                        { role: 'user', content: { type: 'image', data: PNG_1x1_RED, mimeType: 'image/png' } },
                        { role: 'user', content: text('Please analyze the image above.') },
                    ],
                };
            default:
                throw mcpError(T.ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
        }
    });

    server.setRequestHandler(T.CompleteRequestSchema, async (request) => {
        const { ref, argument } = request.params;
        const key = ref.type === 'ref/prompt' ? `${ref.name}/${argument.name}` : `${ref.uri}/${argument.name}`;
        const candidates = COMPLETIONS[key] ?? [];
        const prefix = String(argument.value ?? '').toLowerCase();
        const values = candidates.filter((v) => v.toLowerCase().startsWith(prefix));
        return { completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 } };
    });

    return server;
}

// ---------------------------------------------------------------------------
// stdio mode
// ---------------------------------------------------------------------------
async function runStdio() {
    const server = createMcpServer();
    const transport = new StdioServerTransport();
    server.onerror = (err) => log('server error:', err?.message ?? String(err));
    await server.connect(transport);
    log(`ready on stdio (SDK from ${sdk.from})`);
    // The parent closing our stdin is the end of the session.
    process.stdin.on('end', () => {
        server.close().finally(() => process.exit(0));
    });
}

// ---------------------------------------------------------------------------
// HTTP mode (Streamable HTTP, stateful sessions, resumable streams)
// ---------------------------------------------------------------------------

// In-memory event store for resumability. Event ids are "<streamId>_<seq>" with
// one increasing sequence per session store, so "events after X on the same
// stream" is a numeric comparison. The SDK stores a priming event as {} — it
// is never replayed (it carries no message).
function createEventStore() {
    let seq = 0;
    const events = new Map(); // eventId -> { streamId, seq, message }
    const parse = (eventId) => {
        const cut = String(eventId).lastIndexOf('_');
        if (cut <= 0) return undefined;
        const n = Number(eventId.slice(cut + 1));
        return Number.isInteger(n) ? { streamId: eventId.slice(0, cut), seq: n } : undefined;
    };
    return {
        async storeEvent(streamId, message) {
            const eventId = `${streamId}_${++seq}`;
            events.set(eventId, { streamId, seq, message });
            return eventId;
        },
        async getStreamIdForEventId(eventId) {
            return events.get(eventId)?.streamId ?? parse(eventId)?.streamId;
        },
        async replayEventsAfter(lastEventId, { send }) {
            const from = parse(lastEventId);
            if (!from) throw new Error(`unknown event id ${lastEventId}`);
            const later = [...events.entries()]
                .filter(([, e]) => e.streamId === from.streamId && e.seq > from.seq)
                .sort((a, b) => a[1].seq - b[1].seq);
            for (const [id, e] of later) {
                if (e.message && Object.keys(e.message).length > 0) await send(id, e.message);
            }
            return from.streamId;
        },
    };
}

// DNS rebinding protection: only loopback names may appear in Host and (when
// sent) Origin, with any port. The SDK's own allowedHosts check compares the
// whole Host value (port included), so we check here instead.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
function hostnameOf(hostHeader) {
    try {
        return new URL(`http://${hostHeader}`).hostname.toLowerCase();
    } catch {
        return undefined;
    }
}
function isLoopbackOrigin(origin) {
    try {
        const u = new URL(origin);
        return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_NAMES.has(u.hostname.toLowerCase());
    } catch {
        return false;
    }
}

function sendJsonError(res, status, code, message, extraHeaders = {}) {
    if (res.headersSent) {
        res.end();
        return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...extraHeaders });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function readBody(req, limit = 4 * 1024 * 1024) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > limit) {
                reject(Object.assign(new Error('body too large'), { status: 413 }));
                req.destroy();
                return;
            }
            chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

const isInitialize = (msg) =>
    Array.isArray(msg) ? msg.some(isInitialize) : !!msg && typeof msg === 'object' && msg.method === 'initialize';
const initializeOf = (msg) => (Array.isArray(msg) ? msg.find(isInitialize) : msg);

// The SDK's transport decides whether to write the SSE priming event (id +
// retry + empty data) from the Mcp-Protocol-Version header of each POST: only
// for >= 2025-11-25. The server-sse-polling scenario sends its tools/call with
// "mcp-protocol-version: 2025-03-26" on a session that negotiated 2025-11-25,
// and counts a missing priming event as a failure. The session's negotiated
// version is the one that says whether the client can handle empty-data
// events, so decide priming by the newer of header and negotiated version.
// This reaches into the SDK transport's internals; if they move, we warn and
// keep the SDK's behaviour.
function primeByNegotiatedVersion(transport, getNegotiated) {
    const inner = transport._webStandardTransport;
    if (!inner || typeof inner.writePrimingEvent !== 'function') {
        log('warning: SDK transport internals changed; priming decisions follow the request header only');
        return;
    }
    const original = inner.writePrimingEvent.bind(inner);
    inner.writePrimingEvent = (controller, encoder, streamId, headerVersion) => {
        const negotiated = getNegotiated();
        const version = negotiated && negotiated > (headerVersion ?? '') ? negotiated : headerVersion;
        return original(controller, encoder, streamId, version);
    };
}

async function runHttp(port) {
    const sessions = new Map(); // sessionId -> { transport, server }
    const RETRY_MS = 500;

    async function newSession(initMessage) {
        const requested = initMessage?.params?.protocolVersion;
        const negotiated = T.SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : T.LATEST_PROTOCOL_VERSION;
        let transport;
        const server = createMcpServer({
            closeRequestStream: (extra) => {
                // Only meaningful once the client holds an event id for this
                // stream, which our priming policy guarantees for >= 2025-11-25.
                if (negotiated < '2025-11-25') return false;
                transport.closeSSEStream(extra.requestId);
                return true;
            },
        });
        transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            eventStore: createEventStore(),
            retryInterval: RETRY_MS,
            onsessioninitialized: (sid) => {
                sessions.set(sid, { transport, server });
                log(`session ${sid} opened (protocol ${negotiated})`);
            },
            onsessionclosed: (sid) => log(`session ${sid} closed by client`),
        });
        primeByNegotiatedVersion(transport, () => negotiated);
        transport.onclose = () => {
            if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        server.onerror = (err) => log('server error:', err?.message ?? String(err));
        await server.connect(transport);
        return transport;
    }

    const httpServer = http.createServer(async (req, res) => {
        try {
            const url = new URL(req.url, 'http://localhost');
            if (url.pathname !== '/mcp') {
                sendJsonError(res, 404, -32000, 'Not found: the MCP endpoint is /mcp');
                return;
            }
            const host = req.headers.host;
            if (!host || !LOOPBACK_NAMES.has(hostnameOf(host))) {
                sendJsonError(res, 403, -32000, `Forbidden: Host header ${host ?? '(none)'} is not a loopback name`);
                return;
            }
            if (req.headers.origin !== undefined && !isLoopbackOrigin(req.headers.origin)) {
                sendJsonError(res, 403, -32000, `Forbidden: Origin ${req.headers.origin} is not allowed`);
                return;
            }

            const sid = req.headers['mcp-session-id'];
            const session = sid ? sessions.get(sid) : undefined;

            if (req.method === 'POST') {
                let body;
                try {
                    body = JSON.parse(await readBody(req));
                } catch (err) {
                    if (err.status === 413) sendJsonError(res, 413, -32000, 'Request body too large');
                    else sendJsonError(res, 400, -32700, 'Parse error: invalid JSON');
                    return;
                }
                if (session) {
                    await session.transport.handleRequest(req, res, body);
                } else if (sid) {
                    sendJsonError(res, 404, -32001, 'Session not found');
                } else if (isInitialize(body)) {
                    const transport = await newSession(initializeOf(body));
                    await transport.handleRequest(req, res, body);
                } else {
                    sendJsonError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
                }
                return;
            }

            if (req.method === 'GET' || req.method === 'DELETE') {
                if (!sid) {
                    sendJsonError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
                } else if (!session) {
                    sendJsonError(res, 404, -32001, 'Session not found');
                } else {
                    await session.transport.handleRequest(req, res);
                }
                return;
            }

            sendJsonError(res, 405, -32000, 'Method not allowed', { Allow: 'GET, POST, DELETE' });
        } catch (err) {
            log('request failed:', err?.stack ?? String(err));
            sendJsonError(res, 500, -32603, 'Internal server error');
        }
    });

    await new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, '127.0.0.1', resolve);
    });
    log(`listening on http://127.0.0.1:${httpServer.address().port}/mcp (SDK from ${sdk.from})`);

    const shutdown = async () => {
        for (const { server } of sessions.values()) await server.close().catch(() => {});
        httpServer.close(() => process.exit(0));
        setTimeout(() => process.exit(0), 1000).unref();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------
const argv = process.argv.slice(2);
const httpAt = argv.indexOf('--http');
if (httpAt >= 0) {
    const port = Number(argv[httpAt + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        log('usage: node server.mjs [--http PORT]');
        process.exit(2);
    }
    runHttp(port).catch((err) => {
        log('fatal:', err?.stack ?? String(err));
        process.exit(1);
    });
} else {
    runStdio().catch((err) => {
        log('fatal:', err?.stack ?? String(err));
        process.exit(1);
    });
}
