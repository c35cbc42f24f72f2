# The PostgreSQL test infrastructure (PgCluster.psm1) and the Npgsql/Pgvector packages, against a real server.
# Skipped, saying why, where PostgreSQL 15 with pgvector cannot be had; under CI=true they run and fail instead.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
    $pg = Get-PgAvailability
    $script:SkipPg = -not $pg.Available -and $env:CI -ne 'true'
    if ($script:SkipPg) { Write-Host "Skipping the PostgreSQL tests: $($pg.Reason)" -ForegroundColor Yellow }
}

Describe 'PostgreSQL test clusters' -Skip:$script:SkipPg {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
        Import-Module $env:MIXTRALPS_TEST_MODULE -Force
        $script:ModuleBase = (Get-Module MixtralPS).ModuleBase
        # Loaded from the module folder by path, as MixtralPS.Core's own dependencies are.
        Add-Type -Path (Join-Path $script:ModuleBase 'Npgsql.dll'), (Join-Path $script:ModuleBase 'Pgvector.dll')
        $script:Primary = Start-PgTestCluster

        # One value from a fresh Npgsql connection; each caller gives the connection string it means.
        function Get-NpgsqlScalar([string] $ConnectionString, [string] $Sql) {
            $connection = [Npgsql.NpgsqlConnection]::new($ConnectionString)
            try {
                $connection.Open()
                $command = $connection.CreateCommand()
                $command.CommandText = $Sql
                $command.ExecuteScalar()
            }
            finally { $connection.Dispose() }
        }
    }

    AfterAll {
        if ($script:Primary) { Stop-PgTestCluster $script:Primary }
    }

    It 'listens on 127.0.0.1 only and lets the test role in over TCP with its password only' {
        Invoke-PgSql $script:Primary 'SELECT current_user' | Should -Be 'mixtral_test'
        Invoke-PgSql $script:Primary 'SHOW listen_addresses' | Should -Be '127.0.0.1'
        Invoke-PgSql $script:Primary -Superuser 'SHOW unix_socket_directories' | Should -BeNullOrEmpty
        Invoke-PgSql $script:Primary -Superuser "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'mixtral_test'" | Should -Be 't'
        $wrong = $script:Primary.PSObject.Copy()
        $wrong.Password = 'not-the-password'
        { Invoke-PgSql $wrong 'SELECT 1' } | Should -Throw '*password authentication failed for user "mixtral_test"*'
        Get-NpgsqlScalar $script:Primary.ConnectionString 'SELECT inet_server_addr()::text' | Should -Be '127.0.0.1/32'
    }

    It 'creates the vector extension and an HNSW index that the planner uses' {
        Invoke-PgSql $script:Primary -Superuser 'CREATE EXTENSION IF NOT EXISTS vector' | Out-Null
        Invoke-PgSql $script:Primary -Superuser "SELECT extversion FROM pg_extension WHERE extname = 'vector'" | Should -Be '0.8.6'
        Invoke-PgSql $script:Primary @'
CREATE TABLE hnsw_items (id int PRIMARY KEY, embedding vector(3));
INSERT INTO hnsw_items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0,0,1]'), (4, '[0.9,0.1,0]');
CREATE INDEX hnsw_items_embedding ON hnsw_items USING hnsw (embedding vector_cosine_ops);
'@ | Out-Null
        $plan = Invoke-PgSql $script:Primary "SET enable_seqscan = off; EXPLAIN SELECT id FROM hnsw_items ORDER BY embedding <=> '[0,1,0.1]' LIMIT 2"
        $plan -join "`n" | Should -Match 'Index Scan using hnsw_items_embedding'
        Invoke-PgSql $script:Primary "SET enable_seqscan = off; SELECT id FROM hnsw_items ORDER BY embedding <=> '[0,1,0.1]' LIMIT 1" | Should -Be '2'
    }

    It 'loads Npgsql and Pgvector from the module folder in a fresh pwsh and round-trips a vector(3)' {
        $script = {
            $ErrorActionPreference = 'Stop'
            Import-Module $env:MIXTRALPS_TEST_MODULE
            $base = (Get-Module MixtralPS).ModuleBase
            Add-Type -Path (Join-Path $base 'Npgsql.dll'), (Join-Path $base 'Pgvector.dll')
            $builder = [Npgsql.NpgsqlDataSourceBuilder]::new($env:PG_SUPERUSER)
            [void][Npgsql.VectorExtensions]::UseVector($builder)
            $source = $builder.Build()
            try {
                $connection = $source.OpenConnection()
                $command = $connection.CreateCommand()
                $command.CommandText = 'CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE package_items (id int PRIMARY KEY, embedding vector(3))'
                [void]$command.ExecuteNonQuery()
                $connection.ReloadTypes() # the type handler needs the type the extension just created
                $command = $connection.CreateCommand()
                $command.CommandText = 'INSERT INTO package_items VALUES (1, $1)'
                [void]$command.Parameters.Add([Npgsql.NpgsqlParameter]@{ Value = [Pgvector.Vector]::new([float[]](0.5, -1.25, 3)) })
                [void]$command.ExecuteNonQuery()
                $command = $connection.CreateCommand()
                $command.CommandText = 'SELECT embedding FROM package_items WHERE id = 1'
                $read = $command.ExecuteScalar()
                $connection.Dispose()
            }
            finally { $source.Dispose() }
            $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic }
            [pscustomobject]@{
                Type       = $read.GetType().FullName
                Values     = $read.ToArray()
                Npgsql     = [Npgsql.NpgsqlConnection].Assembly.Location
                Logging    = [Microsoft.Extensions.Logging.ILogger].Assembly.Location
                Duplicates = @($loaded | Group-Object { $_.GetName().Name } | Where-Object Count -gt 1 | ForEach-Object Name)
            } | ConvertTo-Json -Compress
        }
        $p = Start-ChildPwsh -Script $script.ToString() -Environment @{ PG_SUPERUSER = $script:Primary.SuperuserConnectionString }
        $errors = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $errors.Result | Should -BeNullOrEmpty
        $p.ExitCode | Should -Be 0
        $result = $out | ConvertFrom-Json
        $result.Type | Should -Be 'Pgvector.Vector'
        $result.Values | Should -Be @(0.5, -1.25, 3)
        Split-Path $result.Npgsql | Should -Be $script:ModuleBase
        Split-Path $result.Logging | Should -Be $script:ModuleBase
        $result.Duplicates | Should -BeNullOrEmpty
    }

    Context 'with a hot standby made by pg_basebackup -R' {
        BeforeAll {
            Invoke-PgSql $script:Primary 'CREATE TABLE replicated (id int PRIMARY KEY, note text)' | Out-Null
            $script:Standby = New-PgStandby -Primary $script:Primary
        }

        AfterAll {
            if ($script:Standby) { Stop-PgTestCluster $script:Standby }
        }

        It 'is in recovery and replays a row written on the primary' {
            Invoke-PgSql $script:Standby 'SELECT pg_is_in_recovery()' | Should -Be 't'
            Invoke-PgSql $script:Primary "INSERT INTO replicated VALUES (7, 'from the primary')" | Out-Null
            Wait-PgReplay -Standby $script:Standby -Primary $script:Primary -Until 'SELECT EXISTS (SELECT 1 FROM replicated WHERE id = 7)'
            Invoke-PgSql $script:Standby 'SELECT note FROM replicated WHERE id = 7' | Should -Be 'from the primary'
        }

        It 'refuses a write with SQLSTATE 25006' {
            { Invoke-PgSql $script:Standby "INSERT INTO replicated VALUES (8, 'on the standby')" } |
                Should -Throw '*25006: cannot execute INSERT in a read-only transaction*'
        }

        It 'serves a prefer-standby multi-host connection string from the standby, and from the primary once it is down' {
            $hosts = "Host=127.0.0.1:$($script:Standby.Port),127.0.0.1:$($script:Primary.Port)"
            $multi = "$hosts;Database=mixtral_test;Username=mixtral_test;Password=$($script:Primary.Password);Target Session Attributes=prefer-standby"
            Get-NpgsqlScalar $multi 'SELECT inet_server_port()' | Should -Be $script:Standby.Port
            Stop-PgTestCluster $script:Standby
            $script:Standby = $null
            # A pooled connection to the stopped server would fail its first command; a new one finds the primary.
            [Npgsql.NpgsqlConnection]::ClearAllPools()
            Get-NpgsqlScalar $multi 'SELECT inet_server_port()' | Should -Be $script:Primary.Port
            Get-NpgsqlScalar $multi 'SELECT pg_is_in_recovery()' | Should -BeFalse
        }
    }
}
