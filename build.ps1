#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks MixtralPS.
.DESCRIPTION
    Build  lays out a clean, importable module folder in out/MixtralPS, with its help built from docs/help.
    Package  builds, then makes out/packages/MixtralPS.<version>.nupkg for a PowerShell repository: the built
           module with the native libraries of every supported platform under runtimes/<rid>/native.
    Test   builds and packages, installs pgvector when missing (build/postgres) and the MCP test peers (npm ci in
           tests/mcp-peers), runs the xunit suites, then Pester
           in a fresh pwsh -NoProfile that imports out/MixtralPS; ends with the line "N passed, N failed" counting both.
    Demo   builds and runs the module's main jobs offline, with the embedded defaults.
    Bench  builds and runs the benchmarks in bench/, writing dated results to bench/results.
    Run it through the pinned PowerShell: dotnet tool restore; dotnet pwsh ./build.ps1 <Task>
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tests to run (wildcards on file names), for a quicker loop while working.
    [string[]] $PesterFilter = @('*')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out 'MixtralPS'
$PackageDir = Join-Path $Out 'packages'
# The platforms the package carries native libraries for: the ones every native dependency (USearch's is the
# narrowest) ships for.
$PackageRuntimes = 'linux-x64', 'win-x64', 'osx-arm64'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Get-RuntimeId {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    if ($IsWindows) { "win-$arch" } elseif ($IsMacOS) { "osx-$arch" } else { "linux-$arch" }
}

function Get-ProductVersion {
    ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version |
        Where-Object { $_ } | Select-Object -First 1
}

# The command line that starts this same PowerShell afresh (pwsh runs as a dotnet tool here).
function Get-PwshCommand {
    $host_ = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { , @($host_, (Join-Path $PSHOME 'pwsh.dll')) }
    else { , @($host_) }
}

function Invoke-Build {
    $version = Get-ProductVersion
    $rid = Get-RuntimeId
    Write-Host "Building MixtralPS $version for $rid ($Configuration)" -ForegroundColor Cyan
    $publish = Join-Path $Out "publish/$rid"
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    # Plain IL, not ReadyToRun: measured on a cold Find-RagContext (bench/Rag/Measure-ColdQuery.ps1, 6 Dec 2026),
    # precompiled assemblies cost a fresh pwsh 0.35 s more CPU than JIT-compiling what it runs.
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $Root 'src/MixtralPS/MixtralPS.csproj') -c $Configuration -r $rid --self-contained false -o $publish -nologo -v quiet -p:ErrorOnDuplicatePublishOutputFiles=false
    }

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleDir | Out-Null
    # The module folder holds what pwsh loads: our assemblies, their dependencies, native libraries beside them.
    Get-ChildItem $publish -Exclude '*.deps.json', '*.runtimeconfig.json' | Copy-Item -Destination $ModuleDir -Recurse
    Optimize-LocalModel
    $manifest = Get-Content -Raw (Join-Path $Root 'MixtralPS.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    Set-Content -Path (Join-Path $ModuleDir 'MixtralPS.psd1') -Value $manifest -Encoding utf8NoBOM
    Invoke-HelpBuild
    Write-Host "Module laid out in $ModuleDir"
}

# Each local model's graph as ONNX Runtime optimises it, saved once here (model.optimized.onnx in place of model.onnx),
# so a cold query loads it with optimisation off. build/ModelTool does it, cached in out/model-cache by input hash.
function Optimize-LocalModel {
    $tool = Join-Path $Root 'build/ModelTool/bin/Release/net10.0/MixtralPS.ModelTool.dll'
    Invoke-Native 'build of build/ModelTool' { dotnet build (Join-Path $Root 'build/ModelTool/MixtralPS.ModelTool.csproj') -c Release -nologo -v quiet }
    foreach ($model in Get-ChildItem (Join-Path $ModuleDir 'models') -Directory) {
        $source = Join-Path $model.FullName 'model.onnx'
        if (-not (Test-Path $source)) { continue }
        Invoke-Native "optimising $($model.Name)" {
            dotnet $tool optimize $source (Join-Path $model.FullName 'model.optimized.onnx') --cache (Join-Path $Out 'model-cache')
        }
        Remove-Item $source
    }
}

# Help (MAML and about topics) from docs/help, checked against the built cmdlets. A fresh pwsh imports the
# module, so this session never holds its assemblies open.
function Invoke-HelpBuild {
    $pwsh = Get-PwshCommand
    Invoke-Native 'help build (docs/help)' {
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'build/ConvertTo-MamlHelp.ps1') `
            -ModulePath $ModuleDir -MarkdownPath (Join-Path $Root 'docs/help') -OutputPath (Join-Path $ModuleDir 'en-US')
    }
}

# The native libraries of every platform, as a portable publish would copy them to runtimes/<rid>/native: NuGet's
# own selection (ResolvePackageAssets), without compiling or publishing a second time.
function Get-NativeAsset {
    $json = dotnet msbuild (Join-Path $Root 'src/MixtralPS/MixtralPS.csproj') -nologo -t:ResolvePackageAssets "-p:Configuration=$Configuration" -getItem:RuntimeTargetsCopyLocalItems
    if ($LASTEXITCODE -ne 0) { $json | Out-Host; throw "Listing the native libraries failed (exit code $LASTEXITCODE)." }
    ($json | Out-String | ConvertFrom-Json).Items.RuntimeTargetsCopyLocalItems | Where-Object AssetType -eq 'native'
}

function Invoke-Package {
    $version = Get-ProductVersion
    Write-Host "Packaging MixtralPS $version for $($PackageRuntimes -join ', ')" -ForegroundColor Cyan
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $natives = @(Get-NativeAsset)
    $staging = Join-Path $Out 'package/MixtralPS'
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    New-Item -ItemType Directory -Path $staging | Out-Null

    # The built module as it is (models, help, formats, stamped manifest), less the natives Build put beside the DLL.
    $flat = $natives | ForEach-Object { Split-Path $_.DestinationSubPath -Leaf }
    Get-ChildItem $ModuleDir | Where-Object Name -NotIn $flat | Copy-Item -Destination $staging -Recurse
    foreach ($rid in $PackageRuntimes) {
        # Import libraries (.lib) are for linking, not loading.
        $files = @($natives | Where-Object { $_.RuntimeIdentifier -eq $rid -and $_.Extension -in '.dll', '.so', '.dylib' })
        foreach ($library in 'onnxruntime', 'usearch_c', 'e_sqlite3') {
            if (-not ($files | Where-Object Filename -match "^(lib)?$library$")) { throw "No $library native library for $rid." }
        }
        $target = New-Item -ItemType Directory -Path (Join-Path $staging "runtimes/$rid/native") -Force
        $files | Copy-Item -LiteralPath { $_.FullPath } -Destination $target
    }

    # Publish-PSResource validates the manifest and writes the nuspec from it (description, tags, URIs, release
    # notes); a throwaway folder repository catches the package.
    if (Test-Path $PackageDir) { Remove-Item $PackageDir -Recurse -Force }
    New-Item -ItemType Directory -Path $PackageDir | Out-Null
    $repository = "MixtralPS-build-$([guid]::NewGuid().ToString('N'))"
    Register-PSResourceRepository -Name $repository -Uri $PackageDir -Trusted
    try { Publish-PSResource -Path $staging -Repository $repository }
    finally {
        Unregister-PSResourceRepository -Name $repository
        Remove-Item (Split-Path $staging) -Recurse -Force
    }
    $package = Join-Path $PackageDir "MixtralPS.$version.nupkg"
    if (-not (Test-Path $package)) { throw "Publish-PSResource made no $package." }
    Write-Host ('Package: {0} ({1:N1} MB, made in {2:N0} s)' -f $package, ((Get-Item $package).Length / 1MB), $clock.Elapsed.TotalSeconds)
}

function Invoke-XunitTests {
    $results = Join-Path $Out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $passed = 0; $failed = 0
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter '*.Tests.csproj') {
        Write-Host "xunit: $($project.BaseName)" -ForegroundColor Cyan
        $trx = "$($project.BaseName).trx"
        dotnet test $project.FullName -c $Configuration -nologo --logger "trx;LogFileName=$trx" --results-directory $results --logger 'console;verbosity=minimal' | Out-Host
        $file = Join-Path $results $trx
        if (-not (Test-Path $file)) { Write-Warning "$($project.BaseName) produced no results."; $failed++; continue }
        $counters = ([xml](Get-Content -Raw $file)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-PesterTests {
    Invoke-Native 'restore of Pester' { dotnet restore (Join-Path $Root 'build/Tools.csproj') -nologo -v quiet }
    Invoke-Native 'build of the test server' {
        dotnet build (Join-Path $Root 'tests/MixtralPS.TestServer/MixtralPS.TestServer.csproj') -c $Configuration -nologo -v quiet
    }
    $pesterVersion = ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Packages.props'))).Project.PropertyGroup.PesterVersion |
        Where-Object { $_ } | Select-Object -First 1
    $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $pester = Join-Path $nugetRoot "pester/$pesterVersion/tools/Pester.psd1"
    $server = Join-Path $Root "tests/MixtralPS.TestServer/bin/$Configuration/net10.0/MixtralPS.TestServer.dll"
    $summary = Join-Path $Out 'test-results/pester-summary.json'
    $pwsh = Get-PwshCommand
    $runner = Join-Path $Root 'tests/Pester/Invoke-PesterRun.ps1'
    Write-Host 'Pester (fresh pwsh -NoProfile importing out/MixtralPS)' -ForegroundColor Cyan
    # Passed through the environment: pwsh on Unix would expand a bare '*' argument to file names.
    $env:MIXTRALPS_PESTER_FILTER = $PesterFilter -join ','
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $runner `
        -PesterPath $pester -ModulePath $ModuleDir -PackagePath $PackageDir -ServerPath $server -SummaryPath $summary | Out-Host
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    Get-Content -Raw $summary | ConvertFrom-Json
}

# The PostgreSQL tests' server: PostgreSQL 15 from the machine, pgvector built from ../shared/vendor when missing.
# Without them those tests skip on a user's clone; CI must run them, so there it is an error.
function Install-PostgresTestServer {
    $pg = & (Join-Path $Root 'build/postgres/Install-PgVector.ps1')
    if ($pg.Available) { Write-Host "PostgreSQL tests: $($pg.Reason)"; return }
    if ($env:CI -eq 'true') { throw "PostgreSQL tests cannot run under CI: $($pg.Reason)" }
    Write-Warning "PostgreSQL tests will be skipped: $($pg.Reason)"
}

# The MCP tests' real peers (tests/mcp-peers: the MCP Inspector, the TypeScript SDK, reference servers), pinned in
# its package-lock.json and installed with npm ci when missing or older than the lock file. Without node or npm
# those tests skip on a user's clone; CI must run them, so there it is an error.
function Install-McpPeers {
    $peers = Join-Path $Root 'tests/mcp-peers'
    $installed = Join-Path $peers 'node_modules/.package-lock.json'
    $lock = Join-Path $peers 'package-lock.json'
    $missing = @('node', 'npm' | Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue) })
    $reason = if ($missing) { "$($missing -join ' and ') not found" }
    elseif ([IO.File]::Exists($installed) -and [IO.File]::GetLastWriteTimeUtc($installed) -ge [IO.File]::GetLastWriteTimeUtc($lock)) { $null }
    else {
        & npm ci --prefix $peers --no-audit --no-fund --loglevel=error | Out-Host
        if ($LASTEXITCODE -ne 0) { "npm ci in $peers failed (exit code $LASTEXITCODE)" }
    }
    if (-not $reason) { Write-Host "MCP tests: peers installed in $peers"; return }
    if ($env:CI -eq 'true') { throw "MCP tests cannot run under CI: $reason" }
    Write-Warning "MCP tests will be skipped: $reason"
}

function Invoke-Test {
    Invoke-Build
    Invoke-Package
    Install-PostgresTestServer
    Install-McpPeers
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    # The closing line CI reads.
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'demo/Start-Demo.ps1') -ModulePath $ModuleDir
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Invoke-Build
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'bench/Invoke-Benchmarks.ps1') -ModulePath $ModuleDir -Configuration $Configuration
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
}
