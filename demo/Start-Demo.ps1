<#
.SYNOPSIS
    The README's main-job demo: runs the module offline on its embedded defaults.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Write-Host "MixtralPS $((Get-Module MixtralPS).Version) imported from $ModulePath" -ForegroundColor Cyan
Get-Command -Module MixtralPS | Format-Table Name, CommandType -AutoSize | Out-String | Write-Host
if ($env:MISTRAL_API_KEY) {
    Write-Host 'MISTRAL_API_KEY is set: asking the model a question.' -ForegroundColor Cyan
    Invoke-MixtralChat 'In one sentence, what is retrieval-augmented generation?' -Stream | Out-Null
}
else {
    Write-Host 'Set $env:MISTRAL_API_KEY (or MISTRAL_ENDPOINT for a self-hosted Mixtral) to chat.' -ForegroundColor DarkGray
}
