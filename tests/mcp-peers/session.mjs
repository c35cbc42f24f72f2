// A scripted session with the official TypeScript SDK client against the MixtralPS server over stdio: the
// command line comes as arguments; prints one JSON object with what each step returned.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [command, ...args] = process.argv.slice(2);
const client = new Client({ name: 'mixtralps-tests', version: '1.0.0' });
const transport = new StdioClientTransport({ command, args, stderr: 'pipe' });
let stderr = '';
transport.stderr?.on('data', chunk => { stderr += chunk; });
await client.connect(transport);
const result = { server: client.getServerVersion(), steps: {} };
const step = async (name, call) => {
    try { result.steps[name] = await call(); } catch (e) { result.steps[name] = { thrown: String(e?.message ?? e), code: e?.code }; }
};
await step('list', () => client.listTools());
await step('search', () => client.callTool({ name: 'search', arguments: { query: 'write lock', top: 2, mode: 'keyword' } }));
await step('badTop', () => client.callTool({ name: 'search', arguments: { query: 'x', top: 'many' } }));
await step('unknownArgument', () => client.callTool({ name: 'search', arguments: { query: 'x', colour: 'red' } }));
await step('missingQuery', () => client.callTool({ name: 'search', arguments: {} }));
await step('unknownTool', () => client.callTool({ name: 'delete_everything', arguments: {} }));
await step('sources', () => client.callTool({ name: 'list_sources', arguments: { limit: 1 } }));
await step('sourcesPage2', () => client.callTool({ name: 'list_sources', arguments: { limit: 1, offset: 1, filter: '*.md' } }));
await step('afterErrors', () => client.callTool({ name: 'search', arguments: { query: 'stemming', top: 1 } }));
const pid = transport.pid;
await client.close();
result.pid = pid;
result.stderr = stderr;
process.stdout.write(JSON.stringify(result));
