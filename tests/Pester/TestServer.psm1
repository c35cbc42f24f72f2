# Drives the Mistral-compatible test server (tests/MixtralPS.TestServer) from Pester.

function Start-TestServer {
    param([Parameter(Mandatory)] [string] $ServerPath)
    if (-not (Test-Path $ServerPath)) { throw "The test server is not built: $ServerPath" }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($ServerPath)
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardInput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch '^MIXTRAL_TEST_SERVER (\S+)') {
        $err = $process.StandardError.ReadToEnd()
        throw "The test server did not start: '$line' $err"
    }
    [pscustomobject]@{ Process = $process; Url = $Matches[1].TrimEnd('/') }
}

function Stop-TestServer {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) {
        $Server.Process.StandardInput.Close()
        if (-not $Server.Process.WaitForExit(5000)) { $Server.Process.Kill($true) }
    }
}

function Get-TestServerUrl { $env:MIXTRALPS_TEST_SERVER }

function Reset-TestServer {
    Invoke-RestMethod -Method Post -Uri "$(Get-TestServerUrl)/_test/reset" | Out-Null
}

# Queues scripted replies: hashtables with the ScriptedReply fields (status, body, content, chunks, headers, delayMs...).
function Add-TestReply {
    param([Parameter(Mandatory, ValueFromPipeline)] [hashtable[]] $Reply)
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.AddRange($Reply) }
    end {
        $json = ConvertTo-Json -InputObject @($all) -Depth 20
        Invoke-RestMethod -Method Post -Uri "$(Get-TestServerUrl)/_test/replies" -Body $json -ContentType 'application/json' | Out-Null
    }
}

function Set-TestServerKey {
    param([string] $ApiKey)
    $json = ConvertTo-Json -InputObject @{ apiKey = $ApiKey }
    Invoke-RestMethod -Method Post -Uri "$(Get-TestServerUrl)/_test/config" -Body $json -ContentType 'application/json' | Out-Null
}

# Invoke-RestMethod returns a JSON array as one object; ForEach-Object unrolls it (and an empty one to nothing).
function Get-TestRequest {
    @(Invoke-RestMethod -Uri "$(Get-TestServerUrl)/_test/requests" | ForEach-Object { $_ })
}

# The most API requests the server answered at once since the last reset.
function Get-TestServerMaxInFlight {
    (Invoke-RestMethod -Uri "$(Get-TestServerUrl)/_test/stats").maxInFlight
}

function Get-TestViolation {
    @(Invoke-RestMethod -Uri "$(Get-TestServerUrl)/_test/violations" | ForEach-Object { $_ })
}

# Fails the test when any request it sent did not validate against the official OpenAPI schema.
function Assert-NoSchemaViolation {
    $violations = Get-TestViolation
    if ($violations.Count -gt 0) { throw "Requests did not validate against the Mistral OpenAPI schema: $($violations -join '; ')" }
}

# What a console shows for a command run in a fresh pwsh importing the module under test, against the test server
# (-WhatIf messages and streamed or thinking text go to the host, which a pipeline cannot capture); colours removed.
function Get-ConsoleText {
    param([Parameter(Mandatory)] [string] $Command, [hashtable[]] $Replies)
    if ($Replies) { $Replies | Add-TestReply }
    $script = "Import-Module '$env:MIXTRALPS_TEST_MODULE'; `$env:MISTRAL_ENDPOINT = '$(Get-TestServerUrl)'; $Command"
    $child = Start-ChildPwsh -Script $script
    $child.StandardInput.Close()
    $out = $child.StandardOutput.ReadToEnd() + $child.StandardError.ReadToEnd()
    $child.WaitForExit()
    $out -replace "\e\[[0-9;]*m", ''
}

# Starts this PowerShell afresh (-NoProfile) on a script; returns the process with redirected output.
function Start-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $hostPath = [Environment]::ProcessPath
    $info = [System.Diagnostics.ProcessStartInfo]::new($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $info.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($info)
}

Export-ModuleMember -Function *-Test*, Assert-NoSchemaViolation, Start-ChildPwsh, Get-ConsoleText
