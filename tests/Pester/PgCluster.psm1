# Throwaway PostgreSQL clusters for the tests: initdb'd into a temp folder, listening on 127.0.0.1 only at a free port,
# stopped and removed afterwards. As root the server runs as the `postgres` user (postgres refuses root); as anyone
# else it runs as that user. build/postgres/Install-PgVector.ps1 (build.ps1 Test) provides the vector extension.
# tests/MixtralPS.Core.Tests/Postgres/PgCluster.cs is the same for xunit: keep the two alike.

$script:DefaultPgBin = if ($env:MIXTRALPS_PG_BIN) { $env:MIXTRALPS_PG_BIN } else { '/usr/lib/postgresql/15/bin' }
$script:IsRoot = $IsLinux -and (& id -u) -eq '0'

# Whether a cluster with pgvector can be had here, and why not.
function Get-PgAvailability {
    param([string] $PgBin = $script:DefaultPgBin)
    $no = { param($why) [pscustomobject]@{ Available = $false; Reason = $why } }
    if (-not $IsLinux) { return & $no 'the PostgreSQL tests run on Linux only' }
    foreach ($tool in 'initdb', 'pg_ctl', 'pg_basebackup', 'psql', 'pg_config') {
        if (-not (Test-Path (Join-Path $PgBin $tool))) { return & $no "PostgreSQL 15 is not installed (no $PgBin/$tool)" }
    }
    $control = Join-Path (& (Join-Path $PgBin 'pg_config') --sharedir) 'extension/vector.control'
    if (-not (Test-Path $control)) { return & $no "pgvector is not installed (no $control; run build/postgres/Install-PgVector.ps1 as root)" }
    if ($script:IsRoot) {
        if (-not (Get-Command runuser -ErrorAction Ignore)) { return & $no 'running as root without runuser to start PostgreSQL as postgres' }
        & getent passwd postgres *> $null
        if ($LASTEXITCODE -ne 0) { return & $no 'running as root and there is no postgres user to run PostgreSQL as' }
    }
    [pscustomobject]@{ Available = $true; Reason = "PostgreSQL 15 with pgvector ($PgBin)" }
}

# A port nothing listens on now (the OS picks it); a start that loses the race is retried on another.
function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-PgFolder {
    $folder = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-pg-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $folder | Out-Null
    & chmod 700 $folder
    if ($script:IsRoot) { & chown postgres:postgres $folder }
    $folder
}

# Runs a server tool as the user the server runs as; throws with its output when it fails.
function Invoke-PgTool {
    param([string] $PgBin, [string] $Tool, [string[]] $Arguments, [string] $WorkingDirectory)
    $exe = Join-Path $PgBin $Tool
    Push-Location $WorkingDirectory # postgres must be able to enter the current folder
    try {
        $output = if ($script:IsRoot) { & runuser -u postgres -- $exe @Arguments 2>&1 } else { & $exe @Arguments 2>&1 }
        if ($LASTEXITCODE -ne 0) { throw "$Tool failed (exit code $LASTEXITCODE): $($output -join "`n")" }
    }
    finally { Pop-Location }
}

function New-PgPassword { [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(16)).ToLowerInvariant() }

function New-PgClusterObject {
    param([string] $Role, [string] $Folder, [string] $PgBin, [int] $Port, [string] $SuperuserPassword, [string] $User, [string] $Password, [string] $Database)
    $cluster = [pscustomobject]@{
        Role = $Role; Folder = $Folder; DataDir = Join-Path $Folder 'data'; LogFile = Join-Path $Folder 'server.log'
        PgBin = $PgBin; Port = $Port; Database = $Database; User = $User; Password = $Password; SuperuserPassword = $SuperuserPassword
        ConnectionString = "Host=127.0.0.1;Port=$Port;Database=$Database;Username=$User;Password=$Password"
        SuperuserConnectionString = "Host=127.0.0.1;Port=$Port;Database=$Database;Username=postgres;Password=$SuperuserPassword"
    }
    $cluster | Add-Member -MemberType ScriptMethod -Name Stop -Value { Stop-PgTestCluster $this }
    $cluster
}

# pg_ctl start on a free port, retried on another when the port was taken in between.
function Start-PgServer {
    param($Cluster)
    for ($attempt = 1; ; $attempt++) {
        $Cluster.Port = Get-FreeTcpPort
        try {
            Invoke-PgTool $Cluster.PgBin pg_ctl @('start', '-w', '-t', '60', '-D', $Cluster.DataDir, '-l', $Cluster.LogFile, '-o', "-p $($Cluster.Port)") $Cluster.Folder
            break
        }
        catch {
            $log = Get-Content $Cluster.LogFile -Tail 5 -ErrorAction Ignore
            if ($attempt -ge 3 -or -not ($log -match 'could not bind|Address already in use')) { throw "$_`n$($log -join "`n")" }
        }
    }
    $Cluster.ConnectionString = $Cluster.ConnectionString -replace 'Port=\d+', "Port=$($Cluster.Port)"
    $Cluster.SuperuserConnectionString = $Cluster.SuperuserConnectionString -replace 'Port=\d+', "Port=$($Cluster.Port)"
}

# Runs SQL through psql over TCP; returns the rows (unaligned, tuples only). Throws with psql's error.
function Invoke-PgSql {
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [string] $Sql, [switch] $Superuser, [string] $Database = $Cluster.Database)
    $user, $password = if ($Superuser) { 'postgres', $Cluster.SuperuserPassword } else { $Cluster.User, $Cluster.Password }
    $conninfo = "host=127.0.0.1 port=$($Cluster.Port) dbname=$Database user=$user password=$password connect_timeout=10"
    $output = & (Join-Path $Cluster.PgBin 'psql') -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $conninfo -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $($output -join "`n")" }
    $output | ForEach-Object { "$_" }
}

# A fresh cluster with a password-authenticated test role owning its database (scram-sha-256 over TCP).
function Start-PgTestCluster {
    param([string] $PgBin = $script:DefaultPgBin, [string] $User = 'mixtral_test', [string] $Database = 'mixtral_test')
    $availability = Get-PgAvailability -PgBin $PgBin
    if (-not $availability.Available) { throw "No PostgreSQL test cluster: $($availability.Reason)" }
    $folder = New-PgFolder
    $cluster = New-PgClusterObject -Role Primary -Folder $folder -PgBin $PgBin -Port 0 -SuperuserPassword (New-PgPassword) `
        -User $User -Password (New-PgPassword) -Database $Database
    try {
        $pwfile = Join-Path $folder 'pwfile'
        Set-Content -Path $pwfile -Value $cluster.SuperuserPassword -NoNewline
        if ($script:IsRoot) { & chown postgres:postgres $pwfile }
        Invoke-PgTool $PgBin initdb @('-D', $cluster.DataDir, '-U', 'postgres', "--pwfile=$pwfile", '--auth=scram-sha-256',
            '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions') $folder
        Remove-Item $pwfile -Force # owned by postgres: read-only to .NET for root
        # Only the loopback interface and no Unix socket; durability traded for speed (the cluster is thrown away).
        Add-Content -Path (Join-Path $cluster.DataDir 'postgresql.conf') -Value @(
            '', '# mixtralps test cluster', "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
            'fsync = off', 'synchronous_commit = off', 'full_page_writes = off')
        Start-PgServer $cluster
        Invoke-PgSql $cluster -Superuser -Database postgres -Sql "CREATE ROLE $User LOGIN PASSWORD '$($cluster.Password)'" | Out-Null
        Invoke-PgSql $cluster -Superuser -Database postgres -Sql "CREATE DATABASE $Database OWNER $User" | Out-Null
        $cluster
    }
    catch { Stop-PgTestCluster $cluster; throw }
}

# Waits until the standby is in recovery and has replayed the primary's latest WAL, or until -Until (SQL returning
# one boolean) is true on the standby. The timeout only guards against a hang.
function Wait-PgReplay {
    param([Parameter(Mandatory)] $Standby, [Parameter(Mandatory)] $Primary, [string] $Until, [int] $TimeoutSeconds = 60)
    $condition = if ($Until) { $Until } else {
        $lsn = Invoke-PgSql $Primary -Superuser -Sql 'SELECT pg_current_wal_lsn()'
        "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn"
    }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $state = try { Invoke-PgSql $Standby -Superuser -Sql $condition } catch { "$_" }
        if ($state -eq 't') { return }
        if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Standby on port $($Standby.Port) did not catch up in $TimeoutSeconds s (last: $state)." }
        Start-Sleep -Milliseconds 100
    }
}

# A hot standby of -Primary (pg_basebackup -R, streaming replication) on another free port, caught up on return.
function New-PgStandby {
    param([Parameter(Mandatory)] $Primary)
    $folder = New-PgFolder
    $standby = New-PgClusterObject -Role Standby -Folder $folder -PgBin $Primary.PgBin -Port 0 -SuperuserPassword $Primary.SuperuserPassword `
        -User $Primary.User -Password $Primary.Password -Database $Primary.Database
    try {
        $source = "host=127.0.0.1 port=$($Primary.Port) user=postgres password=$($Primary.SuperuserPassword)"
        Invoke-PgTool $Primary.PgBin pg_basebackup @('-d', $source, '-D', $standby.DataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync') $folder
        Start-PgServer $standby
        Wait-PgReplay -Standby $standby -Primary $Primary
        $standby
    }
    catch { Stop-PgTestCluster $standby; throw }
}

# Stops the server at once (the data is thrown away) and removes its folder; safe to call twice.
function Stop-PgTestCluster {
    param([Parameter(Mandatory)] $Cluster, [switch] $KeepFolder)
    if (-not $Cluster) { return }
    if (Test-Path (Join-Path $Cluster.DataDir 'postmaster.pid')) {
        try { Invoke-PgTool $Cluster.PgBin pg_ctl @('stop', '-D', $Cluster.DataDir, '-m', 'immediate', '-w', '-t', '30') $Cluster.Folder }
        catch { Write-Warning "Stopping the test cluster on port $($Cluster.Port): $_" }
    }
    if (-not $KeepFolder) { Remove-Item $Cluster.Folder -Recurse -Force -ErrorAction Ignore }
}

Export-ModuleMember -Function Get-PgAvailability, Start-PgTestCluster, New-PgStandby, Wait-PgReplay, Stop-PgTestCluster, Invoke-PgSql
