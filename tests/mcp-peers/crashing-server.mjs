// An MCP server (official TypeScript SDK, stdio) whose tool "exit" ends the process before answering, writing a
// line to stderr first: the client tests' server that dies mid-chat.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'crashing', version: '1.0.0' });
server.registerTool('exit', { description: 'Ends the server process.', inputSchema: {} }, async () => {
    process.stderr.write('crashing-server: exiting on request\n');
    process.exit(3);
});
await server.connect(new StdioServerTransport());
