<#
.SYNOPSIS
    Runs the Pester suites against the built module, with the Mistral-compatible test server running.
    Started by build.ps1 Test in a fresh pwsh -NoProfile; writes {Passed, Failed} to -SummaryPath.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # The folder build.ps1 Package writes the .nupkg to (Package.Tests.ps1 installs from it).
    [string] $PackagePath = (Join-Path (Split-Path $ModulePath) 'packages'),
    # Test file names to run (wildcards); build.ps1 passes them in $env:MIXTRALPS_PESTER_FILTER.
    [string[]] $Filter = @(if ($env:MIXTRALPS_PESTER_FILTER) { $env:MIXTRALPS_PESTER_FILTER -split ',' } else { '*' })
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force

$server = Start-TestServer -ServerPath $ServerPath
# Chats are saved to the chat log: the run's go to a folder of its own, never to the user's data folder.
$env:MIXTRALPS_HOME = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-home-$([guid]::NewGuid().ToString('N'))"
try {
    # What every test file reads: the built module to import and the server to talk to.
    $env:MIXTRALPS_TEST_MODULE = (Resolve-Path $ModulePath).Path
    $env:MIXTRALPS_TEST_PACKAGE = [IO.Path]::GetFullPath($PackagePath)
    $env:MIXTRALPS_TEST_SERVER = $server.Url

    $files = Get-ChildItem $PSScriptRoot -Filter '*.Tests.ps1' |
        Where-Object { $name = $_.Name; $Filter | Where-Object { $name -like "$_" -or $name -like "$_.Tests.ps1" } }
    $config = New-PesterConfiguration
    $config.Run.Path = @($files.FullName)
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.Should.ErrorAction = 'Continue'
    $result = Invoke-Pester -Configuration $config

    New-Item -ItemType Directory -Force -Path (Split-Path $SummaryPath) | Out-Null
    [pscustomobject]@{
        Passed = $result.PassedCount
        Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    } | ConvertTo-Json | Set-Content -Path $SummaryPath
}
finally {
    Stop-TestServer $server
    if ('MixtralPS.Core.Chat.Log.ChatLog' -as [type]) { [MixtralPS.Core.Chat.Log.ChatLog]::ReleaseFiles() }
    Remove-Item $env:MIXTRALPS_HOME -Recurse -Force -ErrorAction SilentlyContinue
}
