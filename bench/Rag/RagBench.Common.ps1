# Shared helpers of the RAG benchmarks (dot-sourced by the Measure-*.ps1 scripts and the driver).
# Nothing here imports the module: each measured phase runs in its own fresh `pwsh -NoProfile` process.

Set-StrictMode -Version Latest

$script:RagBenchRoot = Split-Path (Split-Path $PSScriptRoot)   # the repository: bench/Rag/.. /..

function Get-RagBenchRoot { $script:RagBenchRoot }

# The command line that starts this same PowerShell afresh (pwsh runs as a dotnet tool here: dotnet pwsh.dll).
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { , @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
    else { , @($exe) }
}

# Runs a script in a fresh `pwsh -NoProfile -NonInteractive` process; its output goes to the host. Throws on a non-zero exit.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $File, [string[]] $Arguments = @())
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $File @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$(Split-Path -Leaf $File) $($Arguments -join ' ') failed (exit code $LASTEXITCODE)." }
}

function Write-BenchProgress([string] $Message) {
    [Console]::Error.WriteLine("[$(Get-Date -Format HH:mm:ss)] $Message")
}

# The 1-, 5- and 15-minute load averages (other work on the machine skews timings).
function Get-LoadAverage {
    if (Test-Path /proc/loadavg) {
        $f = (Get-Content -Raw /proc/loadavg).Split(' ')
        [pscustomobject]@{ One = [double]$f[0]; Five = [double]$f[1]; Fifteen = [double]$f[2]; Text = "$($f[0]) $($f[1]) $($f[2])" }
    }
    else { [pscustomobject]@{ One = [double]::NaN; Five = [double]::NaN; Fifteen = [double]::NaN; Text = '?' } }
}

function Get-MachineInfo {
    param([string] $ModulePath)
    $cpu = '?'
    if (Test-Path /proc/cpuinfo) {
        $line = Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1
        if ($line) { $cpu = $line.Substring($line.IndexOf(':') + 1).Trim() }
        $flags = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'flags*' } | Select-Object -First 1) -split ' '
        $simd = @('avx512f', 'avx512_vnni', 'avx2', 'fma') | Where-Object { $flags -contains $_ }
        if ($simd) { $cpu += " ($($simd -join '/'))" }
    }
    $nproc = try { (& nproc 2>$null) } catch { $null }
    if (-not $nproc) { $nproc = [Environment]::ProcessorCount }
    $os = if (Test-Path /etc/os-release) {
        ((Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace '^PRETTY_NAME=', '').Trim('"')
    } else { [Environment]::OSVersion.VersionString }
    $root = Get-RagBenchRoot
    # From a tree without .git (git archive export), the driver's -Commit tells which commit it is.
    $commit = if ($env:MIXTRALPS_BENCH_COMMIT) { $env:MIXTRALPS_BENCH_COMMIT } else { try { & git -C $root rev-parse --short=12 HEAD 2>$null } catch { $null } }
    $dirty = if ($env:MIXTRALPS_BENCH_COMMIT) { $null } else { try { & git -C $root status --porcelain --untracked-files=no -- src 2>$null } catch { $null } }
    if (-not $commit) { $commit = '?' }
    elseif ($dirty) { $commit += ' (src/ has uncommitted changes: ' + (@($dirty | ForEach-Object { $_.Substring(3) }) -join ', ') + ')' }
    [pscustomobject]@{
        Nproc  = $nproc
        Cpu    = $cpu
        Os     = "$os, $([Runtime.InteropServices.RuntimeInformation]::OSArchitecture)"
        Pwsh   = $PSVersionTable.PSVersion.ToString()
        DotNet = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        Commit = $commit
        Module = $ModulePath
    }
}

# A report section: title, machine, the body, load average at start and end. Appended to the day's file and printed.
function Write-RagBenchSection {
    param(
        [Parameter(Mandatory)] [string] $Title,
        [Parameter(Mandatory)] [AllowEmptyString()] [AllowNull()] [string[]] $Body,
        [Parameter(Mandatory)] [datetime] $Started,
        [Parameter(Mandatory)] $LoadAtStart,
        [string] $ModulePath,
        [string] $Command,
        [switch] $Quick,
        [string] $ResultsDirectory,
        # The day's file is <Prefix>-<date>.md: rag, or pgvector for the PostgreSQL store's benches.
        [string] $Prefix = 'rag',
        [string] $FileTitle = 'RAG benchmarks (New-RagIndex, Find-RagContext)'
    )
    $loadAtEnd = Get-LoadAverage
    $machine = Get-MachineInfo -ModulePath $ModulePath
    $busy = [Math]::Max($LoadAtStart.One, $loadAtEnd.One) -gt 3
    $lines = @(
        "## $Title"
        ''
        "- When: $($Started.ToString('yyyy-MM-dd HH:mm:ss zzz')) to $((Get-Date).ToString('HH:mm:ss')) ($([Math]::Round(((Get-Date) - $Started).TotalMinutes, 1)) min)"
        $(if ($Command) { "- Command: ``$Command``" })
        "- Machine: $($machine.Nproc) logical processors (nproc), $($machine.Cpu); $($machine.Os)"
        "- pwsh $($machine.Pwsh) on $($machine.DotNet); git commit $($machine.Commit); module $($machine.Module)"
        "- Load average (1 min) at start $($LoadAtStart.One), at end $($loadAtEnd.One) (1/5/15 min: $($LoadAtStart.Text) → $($loadAtEnd.Text))" +
            $(if ($busy) { " — **machine busy (load > 3 on $($machine.Nproc) processors): other work shared the cores, absolute timings are pessimistic**" } else { '' })
        ''
    ) + $Body + @('')
    $lines = $lines | Where-Object { $null -ne $_ }
    if (-not $ResultsDirectory) { $ResultsDirectory = Join-Path (Get-RagBenchRoot) 'bench/results' }
    New-Item -ItemType Directory -Force $ResultsDirectory | Out-Null
    $file = Join-Path $ResultsDirectory ("{2}-{0:yyyy-MM-dd}{1}.md" -f $Started, $(if ($Quick) { '-quick' } else { '' }), $Prefix)
    if (-not (Test-Path $file)) {
        Set-Content -Path $file -Encoding utf8NoBOM -Value @("# $FileTitle, $('{0:yyyy-MM-dd}' -f $Started)$(if ($Quick) { ' — quick smoke run, small sizes' })", '',
            'Written by bench/Rag/*.ps1 (driver: bench/Rag/Invoke-RagBenchmarks.ps1). Each section is one benchmark run; sections are appended.', '')
    }
    Add-Content -Path $file -Encoding utf8NoBOM -Value $lines
    $lines | Out-Host
    Write-BenchProgress "written to $file"
}

# shared/data/scifact, found beside an ancestor of the working directory or of this script (never copied into the repo).
function Find-SciFact {
    param([string] $Data)
    if ($Data) {
        if (-not (Test-Path (Join-Path $Data 'corpus.jsonl'))) { throw "No SciFact corpus.jsonl in '$Data'." }
        return (Resolve-Path $Data).Path
    }
    foreach ($start in @((Get-Location).ProviderPath, $PSScriptRoot)) {
        for ($dir = [IO.DirectoryInfo]::new($start); $dir; $dir = $dir.Parent) {
            $candidate = [IO.Path]::Combine($dir.FullName, 'shared', 'data', 'scifact')
            if (Test-Path ([IO.Path]::Combine($candidate, 'corpus.jsonl'))) { return $candidate }
        }
    }
    throw 'SciFact not found: pass -Data DIR, or run from below a folder holding shared/data/scifact.'
}

# SciFact as MTEB uses it: documents (id, title, text), the 300 test queries (those in qrels/test.tsv), the judgments.
function Read-SciFact {
    param([Parameter(Mandatory)] [string] $Directory)
    $qrels = @{}
    foreach ($line in [IO.File]::ReadLines((Join-Path $Directory 'qrels/test.tsv')) | Select-Object -Skip 1) {
        $f = $line.Split("`t")
        if ($f.Count -lt 3) { continue }
        if (-not $qrels.ContainsKey($f[0])) { $qrels[$f[0]] = @{} }
        $qrels[$f[0]][$f[1]] = [int]$f[2]
    }
    $corpus = [Collections.Generic.List[object]]::new()
    foreach ($line in [IO.File]::ReadLines((Join-Path $Directory 'corpus.jsonl'))) {
        $o = [Text.Json.JsonDocument]::Parse($line).RootElement
        $t = [Text.Json.JsonElement]::new()
        $title = if ($o.TryGetProperty('title', [ref]$t)) { $t.GetString() } else { '' }
        $corpus.Add([pscustomobject]@{ Id = $o.GetProperty('_id').GetString(); Title = $title; Text = $o.GetProperty('text').GetString() })
    }
    $queries = [Collections.Generic.List[object]]::new()
    foreach ($line in [IO.File]::ReadLines((Join-Path $Directory 'queries.jsonl'))) {
        $o = [Text.Json.JsonDocument]::Parse($line).RootElement
        $id = $o.GetProperty('_id').GetString()
        if ($qrels.ContainsKey($id)) { $queries.Add([pscustomobject]@{ Id = $id; Text = $o.GetProperty('text').GetString() }) }
    }
    [pscustomobject]@{ Corpus = $corpus; Queries = $queries; Qrels = $qrels }
}

# BEIR / pytrec_eval nDCG@k: gain = relevance grade, discount log2(rank + 1), ideal DCG from the judgments.
function Get-Ndcg {
    param([string[]] $Ranked, [hashtable] $Judged, [int] $K = 10)
    $dcg = 0.0
    for ($rank = 1; $rank -le [Math]::Min($K, $Ranked.Count); $rank++) {
        $grade = $Judged[$Ranked[$rank - 1]]
        if ($grade -gt 0) { $dcg += $grade / [Math]::Log($rank + 1, 2) }
    }
    $ideal = 0.0
    $i = 0
    foreach ($grade in ($Judged.Values | Where-Object { $_ -gt 0 } | Sort-Object -Descending | Select-Object -First $K)) {
        $i++
        $ideal += $grade / [Math]::Log($i + 1, 2)
    }
    if ($ideal -gt 0) { $dcg / $ideal } else { 0.0 }
}

# Percentile with linear interpolation between closest ranks (numpy's default).
function Get-Percentile {
    param([double[]] $Values, [double] $P)
    $sorted = [double[]]($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return [double]::NaN }
    $pos = ($sorted.Count - 1) * $P / 100
    $lo = [Math]::Floor($pos); $hi = [Math]::Ceiling($pos)
    $sorted[$lo] + ($sorted[$hi] - $sorted[$lo]) * ($pos - $lo)
}

function Get-Median([double[]] $Values) { Get-Percentile -Values $Values -P 50 }

function Format-Number([double] $Value, [string] $Format = '0.0') { $Value.ToString($Format, [Globalization.CultureInfo]::InvariantCulture) }

function Resolve-ModulePath {
    param([string] $ModulePath)
    if (-not $ModulePath) { $ModulePath = Join-Path (Get-RagBenchRoot) 'out/MixtralPS' }
    $manifest = Join-Path $ModulePath 'MixtralPS.psd1'
    if (-not (Test-Path $manifest)) { throw "No built module at '$ModulePath': run 'dotnet pwsh -NoProfile -File build.ps1 Build' first (or pass -ModulePath)." }
    (Resolve-Path $ModulePath).Path
}

# The C# helper (bench/Rag/Harness): built on demand, run with the SDK's dotnet.
function Get-RagHarness {
    $project = Join-Path $PSScriptRoot 'Harness/MixtralPS.Bench.Rag.csproj'
    $dll = Join-Path $PSScriptRoot 'Harness/bin/Release/net10.0/MixtralPS.Bench.Rag.dll'
    $newest = Get-ChildItem (Join-Path $PSScriptRoot 'Harness') -File -Include '*.cs', '*.csproj' -Recurse |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } | Sort-Object LastWriteTimeUtc | Select-Object -Last 1
    if (-not (Test-Path $dll) -or $newest.LastWriteTimeUtc -gt (Get-Item $dll).LastWriteTimeUtc) {
        Write-BenchProgress 'building bench/Rag/Harness'
        & dotnet build $project -c Release -nologo -v quiet | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'The build of bench/Rag/Harness failed.' }
    }
    $dll
}

function Invoke-RagHarness {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $dll = Get-RagHarness
    & dotnet $dll @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "MixtralPS.Bench.Rag $($Arguments[0]) failed (exit code $LASTEXITCODE)." }
}

function New-RagBenchWorkDirectory([string] $Name) {
    $dir = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-ragbench-$Name-$PID"
    if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    New-Item -ItemType Directory $dir | Out-Null
    $dir
}

# The text the model sees after truncating to $MaxTokens (pieces + [CLS] + [SEP]), as a prefix of the text: the longest
# run of whole words that fits, then as much of the next word as still gives exactly the leading pieces of the full
# text's tokenization, so that, whenever possible, the pieces are those of truncation itself (checked, and counted).
function Get-FittedText([MixtralPS.Core.Embeddings.WordPieceTokenizer] $Tokenizer, [string] $Text, [int] $MaxTokens) {
    $full = $Tokenizer.Tokenize($Text)
    if ($full.Count + 2 -le $MaxTokens) { return $Text, ($full.Count + 2), $false, $true }
    $want = $MaxTokens - 2
    $ends = [int[]]@([regex]::Matches($Text, '\s+') | ForEach-Object Index)
    $lo = -1; $hi = $ends.Count - 1
    while ($lo -lt $hi) {
        # Largest index whose prefix fits; prefixes at word ends grow monotonically in pieces.
        $mid = [int][Math]::Ceiling(($lo + $hi) / 2)
        if ($Tokenizer.Tokenize($Text.Substring(0, $ends[$mid])).Count -le $want) { $lo = $mid } else { $hi = $mid - 1 }
    }
    if ($lo -lt 0) { throw "No whole word of '$($Text.Substring(0, 40))…' fits in $MaxTokens tokens." }
    $best = $Text.Substring(0, $ends[$lo])
    $bestCount = $Tokenizer.Tokenize($best).Count
    $next = $ends[$lo] + ([regex]::Match($Text.Substring($ends[$lo]), '^\s+')).Length
    $stop = if ($lo + 1 -lt $ends.Count) { $ends[$lo + 1] } else { $Text.Length }
    for ($end = $next + 1; $end -le $stop -and $bestCount -lt $want; $end++) {
        $pieces = $Tokenizer.Tokenize($Text.Substring(0, $end))
        if ($pieces.Count -gt $want) { break }
        $same = $true
        for ($i = $pieces.Count - 1; $i -ge [Math]::Max(0, $bestCount - 1); $i--) { if ($pieces[$i] -cne $full[$i]) { $same = $false; break } }
        if ($same -and $pieces.Count -ge $bestCount) { $best = $Text.Substring(0, $end); $bestCount = $pieces.Count }
    }
    return $best, ($bestCount + 2), $true, ($bestCount -eq $want)
}
