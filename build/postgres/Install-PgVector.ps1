<#
.SYNOPSIS
    Makes sure pgvector is installed into the machine's PostgreSQL 15, building it from the vendored source.
.DESCRIPTION
    The PostgreSQL tests need the `vector` extension, which Debian does not package for PostgreSQL 15. This does
    nothing when vector.control is already in $(pg_config --sharedir)/extension. Otherwise, as root, it installs
    what the build needs (postgresql-server-dev-15, make, gcc; apt-get update first when the package lists are
    empty), unpacks ../shared/vendor/pgvector-<version>.tar.gz into a temp folder, builds and installs it.
    Returns { Available, Reason } and never throws for a missing prerequisite: the caller decides whether that
    is a warning (a user's clone) or an error (CI).
#>
[CmdletBinding()]
param(
    # pgvector's source as released; /work/shared's copy sits beside the repository's root.
    [string] $Archive = (Join-Path $PSScriptRoot '../../../shared/vendor/pgvector-0.8.6.tar.gz'),
    [string] $PgBin = $(if ($env:MIXTRALPS_PG_BIN) { $env:MIXTRALPS_PG_BIN } else { '/usr/lib/postgresql/15/bin' })
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Result([bool] $Available, [string] $Reason) { [pscustomobject]@{ Available = $Available; Reason = $Reason } }

# Runs a native command with its output in a log; on failure shows the log's tail, which is where make and apt say why.
function Invoke-Logged([string] $What, [string] $Log, [scriptblock] $Command) {
    & $Command *>> $Log
    if ($LASTEXITCODE -ne 0) {
        Get-Content $Log -Tail 15 | ForEach-Object { Write-Host "  $_" }
        throw "$What failed (exit code $LASTEXITCODE); full log: $Log"
    }
}

if (-not $IsLinux) { return Result $false 'the PostgreSQL tests run on Linux only' }
$pgConfig = Join-Path $PgBin 'pg_config'
if (-not (Test-Path $pgConfig)) { return Result $false "PostgreSQL 15 is not installed (no $pgConfig; apt-get install postgresql-15)" }
$control = Join-Path (& $pgConfig --sharedir) 'extension/vector.control'
if (Test-Path $control) { return Result $true "pgvector is installed ($control)" }

if ((& id -u) -ne '0') { return Result $false "pgvector is not installed and only root can install it (run build/postgres/Install-PgVector.ps1 as root)" }
$Archive = [IO.Path]::GetFullPath($Archive)
if (-not (Test-Path $Archive)) { return Result $false "pgvector is not installed and its source is missing ($Archive)" }

$work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-pgvector-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null
$log = Join-Path ([IO.Path]::GetTempPath()) 'mixtralps-pgvector-install.log'
Set-Content -Path $log -Value "Install-PgVector $(Get-Date -Format o)"
$clock = [Diagnostics.Stopwatch]::StartNew()
try {
    $headers = Join-Path (& $pgConfig --includedir-server) 'postgres.h'
    $packages = @(
        if (-not (Test-Path $headers)) { 'postgresql-server-dev-15' }
        if (-not (Get-Command make -ErrorAction Ignore)) { 'make' }
        if (-not (Get-Command gcc -ErrorAction Ignore)) { 'gcc' }
    )
    if ($packages) {
        Write-Host "pgvector: installing $($packages -join ', ')"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # A fresh machine has no package lists, and apt-get install then finds nothing.
        if (-not (Get-ChildItem /var/lib/apt/lists -Filter '*_Packages*' -ErrorAction Ignore)) {
            Invoke-Logged 'apt-get update' $log { apt-get update -q }
        }
        Invoke-Logged "apt-get install $($packages -join ' ')" $log { apt-get install -y -q --no-install-recommends @packages }
    }

    Write-Host "pgvector: building $(Split-Path $Archive -Leaf)"
    Invoke-Logged 'unpacking pgvector' $log { tar -xzf $Archive -C $work }
    $source = Get-ChildItem $work -Directory | Select-Object -First 1
    # OPTFLAGS="": no -march=native, so the library runs on any x64 CI host, not only the one that built it.
    Invoke-Logged 'make (pgvector)' $log { make -C $source.FullName OPTFLAGS="" "PG_CONFIG=$pgConfig" }
    Invoke-Logged 'make install (pgvector)' $log { make -C $source.FullName OPTFLAGS="" "PG_CONFIG=$pgConfig" install }
    if (-not (Test-Path $control)) { return Result $false "make install finished but $control is missing; see $log" }
    Write-Host ('pgvector: installed in {0:N0} s' -f $clock.Elapsed.TotalSeconds)
    Result $true "pgvector was built and installed ($control)"
}
catch {
    Result $false "pgvector could not be installed: $($_.Exception.Message)"
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
