# Start-MixtralMcpServer against real MCP clients: the MCP Inspector CLI over stdio and HTTP, and a scripted
# session with the official TypeScript SDK client (tests/mcp-peers). They need node and the peers npm ci
# installs (build.ps1 Test does); without them these tests skip, except under CI=true, where they fail.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'McpPeers.psm1') -Force
    $peers = Get-McpPeers
    $skip = -not $peers.Ready -and $env:CI -ne 'true'
}

BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'McpPeers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Children = Get-ChildProcessId
}

AfterAll {
    # Every server these tests started has ended.
    $left = @(Get-ChildProcessId | Where-Object { $_ -notin $script:Children })
    $left | Should -BeNullOrEmpty -Because 'no MCP server or peer may outlive its test'
}

Describe 'Start-MixtralMcpServer' -Skip:$skip {
    BeforeAll {
        $script:Peers = Get-McpPeers
        if (-not $script:Peers.Ready) { throw "The MCP peers cannot run: $($script:Peers.Reason)." }
        Remove-Item Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $docs = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'docs')
        Copy-Item (Join-Path $root 'docs/*.md') $docs
        $script:Index = Join-Path $TestDrive 'docs.ragidx'
        Get-ChildItem $docs -File | New-RagIndex -Path $script:Index | Out-Null
        $script:Format = (Resolve-Path (Join-Path $docs 'index-format.md')).Path
        $script:Stdio = Get-McpServerCommand -IndexPath $script:Index
    }

    Context 'over stdio, with the MCP Inspector' {
        It 'lists three read-only tools with their input schemas' {
            $run = Invoke-Inspector -Target $script:Stdio -Arguments '--method', 'tools/list'
            $run.ExitCode | Should -Be 0 -Because $run.Err
            $tools = ($run.Out | ConvertFrom-Json).tools
            $tools.name | Should -Be @('search', 'get_document', 'list_sources')
            foreach ($tool in $tools) {
                $tool.annotations.readOnlyHint | Should -BeTrue
                $tool.annotations.destructiveHint | Should -BeFalse
                $tool.inputSchema.type | Should -Be 'object'
                $tool.inputSchema.additionalProperties | Should -BeFalse
            }
            $tools[0].inputSchema.required | Should -Be @('query')
            $tools[0].inputSchema.properties.mode.enum | Should -Be @('hybrid', 'vector', 'keyword')
            $tools[0].outputSchema.required | Should -Be @('query', 'results')
        }

        It 'answers search with chunks as text and as structured content' {
            $run = Invoke-Inspector -Target $script:Stdio -Arguments '--method', 'tools/call', '--tool-name', 'search',
                '--tool-arg', 'query=write.lock', '--tool-arg', 'top=2', '--tool-arg', 'source=*format*'
            $run.ExitCode | Should -Be 0 -Because $run.Err
            $result = $run.Out | ConvertFrom-Json
            $result.isError | Should -Not -BeTrue
            $result.structuredContent.query | Should -Be 'write.lock'
            $result.structuredContent.results.Count | Should -Be 2
            $result.structuredContent.results.source | Should -Be @($script:Format, $script:Format)
            $result.structuredContent.results[0].rank | Should -Be 1
            $result.structuredContent.results.text -join ' ' | Should -Match 'write\.lock'
            $result.content[0].type | Should -Be 'text'
            $result.content[0].text | Should -Match ([regex]::Escape("[1] $script:Format") + '(, [^(\n]+)? \(score ')
        }

        It 'returns a document whole, put back together from its chunks' {
            $run = Invoke-Inspector -Target $script:Stdio -Arguments '--method', 'tools/call', '--tool-name', 'get_document', '--tool-arg', "source=$script:Format"
            $run.ExitCode | Should -Be 0 -Because $run.Err
            $result = $run.Out | ConvertFrom-Json
            $normal = { param($t) ($t -replace '\s+', ' ').Trim() }
            & $normal $result.content[0].text | Should -Be (& $normal (Get-Content -Raw $script:Format))
            $result.structuredContent.chunkCount | Should -BeGreaterThan 3
        }

        It 'answers a malformed call with a tool error naming the problem' {
            $run = Invoke-Inspector -Target $script:Stdio -Arguments '--method', 'tools/call', '--tool-name', 'get_document', '--tool-arg', 'source=no-such-file.md'
            $run.ExitCode | Should -Be 0 -Because $run.Err
            $result = $run.Out | ConvertFrom-Json
            $result.isError | Should -BeTrue
            $result.content[0].text | Should -Match "no source 'no-such-file.md'"
        }
    }

    Context 'over stdio, with the TypeScript SDK client' {
        BeforeAll {
            $run = Invoke-Program -FilePath $script:Peers.Node -ArgumentList (@($script:Peers.Session) + $script:Stdio)
            $run.ExitCode | Should -Be 0 -Because $run.Err
            $script:Session = $run.Out | ConvertFrom-Json
        }

        It 'names itself and serves a whole session' {
            $Session.server.name | Should -Be 'MixtralPS'
            $Session.steps.list.tools.Count | Should -Be 3
            $Session.steps.search.structuredContent.results.Count | Should -Be 2
            $Session.steps.search.structuredContent.results[0].score | Should -BeGreaterThan 0
        }

        It 'answers <Step> with a tool error and keeps serving' -ForEach @(
            @{ Step = 'badTop'; Message = "'top' must be an integer from 1 to 100" }
            @{ Step = 'unknownArgument'; Message = "no argument 'colour'" }
            @{ Step = 'missingQuery'; Message = "needs 'query'" }
            @{ Step = 'unknownTool'; Message = "no tool 'delete_everything'" }
        ) {
            $Session.steps.$Step.isError | Should -BeTrue
            $Session.steps.$Step.content[0].text | Should -Match $Message
            $Session.steps.afterErrors.isError | Should -Not -BeTrue
            $Session.steps.afterErrors.structuredContent.results.Count | Should -Be 1
        }

        It 'lists sources a page at a time, with a filter' {
            $Session.steps.sources.structuredContent.total | Should -Be (Get-ChildItem (Join-Path $TestDrive 'docs') -File).Count
            $Session.steps.sources.structuredContent.sources.Count | Should -Be 1
            $Session.steps.sources.structuredContent.nextOffset | Should -Be 1
            $Session.steps.sourcesPage2.structuredContent.offset | Should -Be 1
            $Session.steps.sourcesPage2.structuredContent.sources[0].source | Should -Not -Be $Session.steps.sources.structuredContent.sources[0].source
        }

        It 'writes diagnostics to stderr only, and ends when the client closes' {
            $Session.stderr | Should -Match 'MixtralPS MCP server: serving .*docs\.ragidx .* over stdio'
            Get-Process -Id $Session.pid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'over stdio, by hand' {
        It 'puts nothing but JSON-RPC on stdout, even with verbose output on, and exits when stdin closes' {
            $words = Get-McpServerCommand -IndexPath $script:Index -Extra '-Verbose'
            $info = [System.Diagnostics.ProcessStartInfo]::new($words[0])
            foreach ($a in $words | Select-Object -Skip 1) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true; $info.RedirectStandardInput = $true
            $p = [System.Diagnostics.Process]::Start($info)
            $err = $p.StandardError.ReadToEndAsync()
            $p.StandardInput.WriteLine('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pester","version":"1"}}}')
            $p.StandardInput.WriteLine('{"jsonrpc":"2.0","method":"notifications/initialized"}')
            $p.StandardInput.WriteLine('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"query":"stemming","top":1}}}')
            $p.StandardInput.WriteLine('this is not JSON')
            $p.StandardInput.WriteLine('{"jsonrpc":"2.0","id":3,"method":"tools/list"}')
            $lines = 1..3 | ForEach-Object { $p.StandardOutput.ReadLine() }
            $p.StandardInput.Close()
            $rest = $p.StandardOutput.ReadToEnd()
            $p.WaitForExit(30000) | Should -BeTrue
            $p.ExitCode | Should -Be 0
            $rest | Should -BeNullOrEmpty
            # Answers come as they are ready: a search may finish after a later, quicker request.
            $messages = $lines | ForEach-Object { $_ | ConvertFrom-Json } | Sort-Object id
            $messages.jsonrpc | Should -Be @('2.0', '2.0', '2.0')
            $messages.id | Should -Be @(1, 2, 3)
            $messages[1].result.structuredContent.results.Count | Should -Be 1
            $err.Result | Should -Match 'VERBOSE: Embedding model'
        }

        It 'refuses -Token and -AllowRemote without -Port' {
            { Start-MixtralMcpServer -Path $script:Index -Token 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'StartMixtralMcpServerNoPort,MixtralPS.Commands.StartMixtralMcpServerCommand'
            { Start-MixtralMcpServer -Path $script:Index -AllowRemote -ErrorAction Stop } | Should -Throw -ErrorId 'StartMixtralMcpServerNoPort,MixtralPS.Commands.StartMixtralMcpServerCommand'
        }

        It 'stops with StartMixtralMcpServerIndexNotFound before serving a folder without an index' {
            $missing = Join-Path $TestDrive 'none.ragidx'
            { Start-MixtralMcpServer -Path $missing -ErrorAction Stop } | Should -Throw -ErrorId 'StartMixtralMcpServerIndexNotFound,MixtralPS.Commands.StartMixtralMcpServerCommand'
        }
    }

    Context 'over Streamable HTTP' {
        BeforeAll {
            $script:Token = 'pester-' + [guid]::NewGuid().ToString('N')
            $script:Http = Start-McpHttpServer -IndexPath $script:Index -Port (Get-FreePort) -Extra "-Token $script:Token"
            $script:Initialize = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pester","version":"1"}}}'
            function Send-McpPost([hashtable] $Headers) {
                $all = @{ Accept = 'application/json, text/event-stream' } + $Headers
                Invoke-WebRequest -Uri $script:Http.Url -Method Post -Body $script:Initialize -ContentType 'application/json' -Headers $all -SkipHttpErrorCheck
            }
        }

        AfterAll {
            Stop-McpHttpServer $script:Http
        }

        It 'says where it serves, on 127.0.0.1' {
            $Http.Lines[0] | Should -Match ([regex]::Escape("at $($Http.Url)."))
        }

        It 'lists and calls tools for the Inspector with the token' {
            $auth = '--header', "Authorization: Bearer $Token"
            $run = Invoke-Inspector -Target $Http.Url -Arguments (@('--transport', 'http') + $auth + @('--method', 'tools/list'))
            $run.ExitCode | Should -Be 0 -Because $run.Err
            ($run.Out | ConvertFrom-Json).tools.name | Should -Be @('search', 'get_document', 'list_sources')

            $run = Invoke-Inspector -Target $Http.Url -Arguments (@('--transport', 'http') + $auth + @('--method', 'tools/call', '--tool-name', 'search', '--tool-arg', 'query=BM25', '--tool-arg', 'top=3', '--tool-arg', 'mode=keyword'))
            $run.ExitCode | Should -Be 0 -Because $run.Err
            ($run.Out | ConvertFrom-Json).structuredContent.results.Count | Should -Be 3
        }

        It 'refuses a request <Case> with 401' -ForEach @(
            @{ Case = 'without the token'; Headers = @{} }
            @{ Case = 'with another token'; Headers = @{ Authorization = 'Bearer wrong' } }
            @{ Case = 'with another scheme'; Headers = @{ Authorization = 'Basic cGVzdGVyOnBlc3Rlcg==' } }
        ) {
            $response = Send-McpPost $Headers
            $response.StatusCode | Should -Be 401
            $response.Headers['WWW-Authenticate'] | Should -Match 'Bearer'
        }

        It 'fails the Inspector without the token' {
            $run = Invoke-Inspector -Target $Http.Url -Arguments '--transport', 'http', '--method', 'tools/list'
            $run.ExitCode | Should -Not -Be 0
            $run.Out + $run.Err | Should -Match '401|Unauthorized'
        }

        It 'refuses a page of another origin with 403, and a request for another host' {
            (Send-McpPost @{ Authorization = "Bearer $Token"; Origin = 'https://evil.example' }).StatusCode | Should -Be 403
            (Send-McpPost @{ Authorization = "Bearer $Token"; Origin = 'http://localhost:5173' }).StatusCode | Should -Be 200
            $client = [System.Net.Http.HttpClient]::new()
            try {
                $request = [System.Net.Http.HttpRequestMessage]::new('POST', $Http.Url)
                $request.Headers.Host = 'rebound.example'
                $request.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $Token)
                $request.Content = [System.Net.Http.StringContent]::new($Initialize, [Text.Encoding]::UTF8, 'application/json')
                [int]$client.Send($request).StatusCode | Should -BeIn 400, 404
            }
            finally { $client.Dispose() }
        }
    }

    Context 'over Streamable HTTP beyond loopback' {
        It 'makes a token with -AllowRemote, shows it once, and requires it' {
            $server = Start-McpHttpServer -IndexPath $script:Index -Port (Get-FreePort) -Extra '-AllowRemote'
            try {
                $server.Lines[1] -match 'Bearer token .*: (\S{40,})$' | Should -BeTrue -Because $server.Lines[1]
                $token = $Matches[1]
                $run = Invoke-Inspector -Target $server.Url -Arguments '--transport', 'http', '--header', "Authorization: Bearer $token", '--method', 'tools/list'
                $run.ExitCode | Should -Be 0 -Because $run.Err
                $run = Invoke-Inspector -Target $server.Url -Arguments '--transport', 'http', '--method', 'tools/list'
                $run.ExitCode | Should -Not -Be 0
            }
            finally { Stop-McpHttpServer $server }
            $server.Errors.Result | Should -Not -Match ([regex]::Escape($token))
        }
    }
}

Describe 'The MCP SDK inside pwsh' {
    It 'loads from the module folder beside PowerShell''s own assemblies and Npgsql, each assembly once' {
        $script = {
            $ErrorActionPreference = 'Stop'
            Import-Module $env:MIXTRALPS_TEST_MODULE
            # The server's options (handlers, tool schemas) and a client transport's options: the SDK and its dependencies load.
            $tools = [MixtralPS.Core.Mcp.McpIndexTools]::Definitions
            $options = [ModelContextProtocol.Client.StdioClientTransportOptions]@{ Command = 'node' }
            $postgres = [MixtralPS.Core.Rag.Stores.RagIndexLocation]::Postgres('Host=localhost;Database=rag', 'default')
            $embed = [Func[string, Threading.CancellationToken, Threading.Tasks.Task[float[]]]] { param($q, $ct) throw 'not used' }
            $index = [MixtralPS.Core.Mcp.McpIndexServer]::new([MixtralPS.Core.Mcp.McpIndexAccess]::new([MixtralPS.Core.Rag.Stores.RagIndexLocation]::Folder('/nowhere'), $embed))
            $transport = [ModelContextProtocol.Server.StreamServerTransport]::new([IO.MemoryStream]::new(), [IO.MemoryStream]::new(), 'pester', $null)
            $server = [ModelContextProtocol.Server.McpServer]::Create($transport, $index.CreateOptions(), $null, $null)
            $server.DisposeAsync().AsTask().Wait()
            $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic }
            [pscustomobject]@{
                Tools      = $tools.Name
                Display    = $postgres.Display
                Mcp        = [ModelContextProtocol.Server.McpServer].Assembly.Location
                Logging    = [Microsoft.Extensions.Logging.ILogger].Assembly.Location
                AI         = ($loaded | Where-Object { $_.GetName().Name -eq 'Microsoft.Extensions.AI.Abstractions' }).Location
                Duplicates = @($loaded | Group-Object { $_.GetName().Name } | Where-Object Count -gt 1 | ForEach-Object Name)
            } | ConvertTo-Json -Compress
        }
        $p = Start-ChildPwsh -Script $script.ToString()
        $p.StandardInput.Close()
        $errors = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $errors.Result | Should -BeNullOrEmpty
        $p.ExitCode | Should -Be 0
        $result = $out | ConvertFrom-Json
        $base = (Get-Module MixtralPS).ModuleBase
        $result.Tools | Should -Be @('search', 'get_document', 'list_sources')
        Split-Path $result.Mcp | Should -Be $base
        Split-Path $result.Logging | Should -Be $base
        $result.Duplicates | Should -BeNullOrEmpty
    }
}

Describe 'MCP peers' -Skip:(-not $skip) {
    It 'are skipped here: <Reason>' -ForEach @(@{ Reason = $peers.Reason }) {
        Set-ItResult -Skipped -Because $Reason
    }
}
