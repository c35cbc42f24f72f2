@{
    # ModuleVersion is stamped by build.ps1 from Directory.Build.props, the one place the version lives.
    ModuleVersion        = '0.0.0'
    RootModule           = 'MixtralPS.dll'
    GUID                 = '5f0c2d4e-8a43-4d8e-9a7e-2f6b1c3d9e71'
    Author               = 'MixtralPS contributors'
    CompanyName          = 'MixtralPS'
    Copyright            = '(c) MixtralPS contributors. MIT License.'
    Description          = 'Chat with Mixtral and the other Mistral models from the shell, embed text offline with a local model, compare texts, and answer questions from your own files with an on-disk retrieval index.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('MixtralPS.Format.ps1xml')
    CmdletsToExport      = @(
        'Invoke-MixtralChat'
        'Get-MixtralChatLog'
        'Remove-MixtralChatLog'
        'Get-MixtralModel'
        'Get-MixtralEmbedding'
        'Compare-TextSimilarity'
        'New-RagIndex'
        'Find-RagContext'
        'Start-MixtralMcpServer'
        'Test-RagIndex'
        'Resolve-MixtralError'
        'Resolve-MixtralCommand'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Mistral', 'Mixtral', 'LLM', 'AI', 'Chat', 'Embeddings', 'RAG', 'HNSW', 'Linux', 'Windows', 'MacOS', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/mixtralps/MixtralPS'
            ReleaseNotes = 'See README.md.'
        }
    }
}
