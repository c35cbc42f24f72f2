# The real MCP peers of the MCP tests (tests/mcp-peers, installed by build.ps1 Test with npm ci): the MCP Inspector
# CLI, the TypeScript SDK client, the reference servers; and the MixtralPS server started as an editor would.

$script:Peers = (Resolve-Path (Join-Path $PSScriptRoot '../mcp-peers')).Path

# Whether the peers can run here, and if not why: node missing, or npm ci not run.
function Get-McpPeers {
    $modules = Join-Path $script:Peers 'node_modules/@modelcontextprotocol'
    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $reason = if (-not $node) { 'node is not installed' }
    elseif (-not (Test-Path (Join-Path $modules 'inspector'))) { "the peers are not installed (npm ci in $script:Peers; build.ps1 Test does it)" }
    [pscustomobject]@{
        Ready      = -not $reason
        Reason     = $reason
        Node       = $node.Source
        Folder     = $script:Peers
        Inspector  = Join-Path $modules 'inspector/cli/build/cli.js'
        Everything = Join-Path $modules 'server-everything/dist/index.js'
        Filesystem = Join-Path $modules 'server-filesystem/dist/index.js'
        Crashing   = Join-Path $script:Peers 'crashing-server.mjs'
        Session    = Join-Path $script:Peers 'session.mjs'
    }
}

# The command line that starts the MixtralPS server over stdio, as words: this same pwsh, afresh, importing the module under test.
function Get-McpServerCommand {
    param([Parameter(Mandatory)] [string] $IndexPath, [string] $Extra = '', [string] $Before = '')
    $hostPath = [Environment]::ProcessPath
    $words = @($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $words += Join-Path $PSHOME 'pwsh.dll' }
    $words + @('-NoProfile', '-NonInteractive', '-Command', "$Before Import-Module '$env:MIXTRALPS_TEST_MODULE'; Start-MixtralMcpServer -Path '$IndexPath' $Extra")
}

# Runs a program to its end (bounded), returning its exit code, stdout and stderr.
function Invoke-Program {
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @(), [int] $TimeoutSec = 90, [hashtable] $Environment = @{})
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.WorkingDirectory = $script:Peers
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($info)
    $p.StandardInput.Close()
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSec * 1000)) {
        $p.Kill($true)
        throw "$FilePath $($ArgumentList -join ' ') did not end within $TimeoutSec s. Output: $($out.Result) $($err.Result)"
    }
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out.Result; Err = $err.Result }
}

# The MCP Inspector CLI (npx @modelcontextprotocol/inspector --cli ...) against a server: a command line or a URL.
function Invoke-Inspector {
    param([Parameter(Mandatory)] [string[]] $Target, [Parameter(Mandatory)] [string[]] $Arguments)
    $peers = Get-McpPeers
    Invoke-Program -FilePath $peers.Node -ArgumentList (@($peers.Inspector, '--cli') + $Target + $Arguments)
}

# A TCP port free on loopback now.
function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# Starts the MixtralPS server over HTTP in a fresh pwsh; returns once it listens (its first stdout line says so).
function Start-McpHttpServer {
    param([Parameter(Mandatory)] [string] $IndexPath, [Parameter(Mandatory)] [int] $Port, [string] $Extra = '')
    $words = Get-McpServerCommand -IndexPath $IndexPath -Extra "-Port $Port $Extra"
    $info = [System.Diagnostics.ProcessStartInfo]::new($words[0])
    foreach ($a in $words | Select-Object -Skip 1) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($info)
    $err = $p.StandardError.ReadToEndAsync()
    $lines = [System.Collections.Generic.List[string]]::new()
    while ($null -ne ($line = $p.StandardOutput.ReadLine())) {
        $lines.Add(($line -replace "\e\[[0-9;]*m", ''))
        if ($line -match 'Ctrl\+C stops it') { break }
    }
    if ($p.HasExited -and $lines.Count -eq 0) { throw "The MCP server did not start: $($err.Result)" }
    if (-not $Extra.Contains('-Token') -and $Extra.Contains('-AllowRemote')) { $lines.Add(($p.StandardOutput.ReadLine() -replace "\e\[[0-9;]*m", '')) }
    [pscustomobject]@{ Process = $p; Lines = $lines; Url = "http://127.0.0.1:$Port/mcp"; Errors = $err }
}

function Stop-McpHttpServer {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) { $Server.Process.Kill($true); $Server.Process.WaitForExit(10000) | Out-Null }
}

# Processes this one started and that still run (MCP servers are children of the pwsh that runs the chat).
function Get-ChildProcessId {
    @(Get-Process | Where-Object { $_.Parent -and $_.Parent.Id -eq $PID } | ForEach-Object Id)
}

Export-ModuleMember -Function Get-McpPeers, Get-McpServerCommand, Invoke-Program, Invoke-Inspector, Get-FreePort, Start-McpHttpServer, Stop-McpHttpServer, Get-ChildProcessId
