# Shared helpers of the PostgreSQL store's benchmarks (dot-sourced after RagBench.Common.ps1): a throwaway cluster from
# the tests' PgCluster.psm1, tuned for measuring rather than for tests, and what the index takes on disk.

Import-Module (Join-Path (Get-RagBenchRoot) 'tests/Pester/PgCluster.psm1') -Force

$script:PgBenchFileTitle = 'PostgreSQL store benchmarks (pgvector; New-RagIndex, Find-RagContext, RagIndexReader)'

# A cluster with pgvector and the test role, durability back on (the tests turn it off), and -Settings
# (server-wide, through ALTER SYSTEM; a restart applies those that need one, such as shared_buffers).
function Start-PgBenchCluster {
    param([hashtable] $Settings = @{})
    $availability = Get-PgAvailability
    if (-not $availability.Available) { throw "No PostgreSQL for the benchmark: $($availability.Reason)" }
    $cluster = Start-PgTestCluster
    try {
        Invoke-PgSql $cluster -Superuser -Sql 'CREATE EXTENSION IF NOT EXISTS vector' | Out-Null
        $all = @{ fsync = 'on'; full_page_writes = 'on'; synchronous_commit = 'on' } + $Settings
        foreach ($name in $all.Keys) {
            Invoke-PgSql $cluster -Superuser -Sql "ALTER SYSTEM SET $name = '$($all[$name])'" | Out-Null
        }
        Restart-PgBenchCluster $cluster
        $cluster
    }
    catch { Stop-PgTestCluster $cluster; throw }
}

function Restart-PgBenchCluster {
    param([Parameter(Mandatory)] $Cluster)
    $ctl = Join-Path $Cluster.PgBin 'pg_ctl'
    $arguments = @('restart', '-w', '-t', '120', '-m', 'fast', '-D', $Cluster.DataDir, '-l', $Cluster.LogFile, '-o', "-p $($Cluster.Port)")
    Push-Location $Cluster.Folder # the server's user must be able to enter the current folder
    try {
        $isRoot = $IsLinux -and (& id -u) -eq '0'
        $output = if ($isRoot) { & runuser -u postgres -- $ctl @arguments 2>&1 } else { & $ctl @arguments 2>&1 }
        if ($LASTEXITCODE -ne 0) { throw "pg_ctl restart failed: $($output -join "`n")" }
    }
    finally { Pop-Location }
}

# Server settings as the bench ran with them, for the report.
function Get-PgSettingsText {
    param([Parameter(Mandatory)] $Cluster, [string[]] $Names = @('shared_buffers', 'maintenance_work_mem', 'max_parallel_maintenance_workers', 'work_mem', 'fsync', 'synchronous_commit'))
    $list = ($Names | ForEach-Object { "'$_'" }) -join ','
    (Invoke-PgSql $Cluster -Superuser -Sql "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ($list)") -join ''
}

# The index's tables and indexes on disk, largest first.
function Get-PgIndexSizes {
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [string] $Name)
    # Tables without their indexes (TOAST included), each index on its own.
    $size = "CASE WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END"
    $sql = "SELECT string_agg(c.relname || ' ' || pg_size_pretty($size), ', ' ORDER BY $size DESC) " +
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'mixtralps_$Name' AND c.relkind IN ('r', 'i')"
    (Invoke-PgSql $Cluster -Superuser -Sql $sql) -join ''
}
