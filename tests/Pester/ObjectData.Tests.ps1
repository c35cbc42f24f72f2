# Piped objects as data a model reads: the columns PowerShell's default view shows, as typed values that render with
# invariant numbers and ISO 8601 dates in any culture.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-data-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:File = Join-Path $script:Work 'notes.txt'
    [IO.File]::WriteAllText($script:File, 'twelve bytes')

    function New-Reader([int] $MaxDepth = 2) { [MixtralPS.Input.ObjectDataReader]::new($ExecutionContext, $MaxDepth) }
    function Format-Records([object[]] $Records, [string] $Format) {
        [MixtralPS.Core.Input.DataRenderer]::Render([MixtralPS.Core.Input.DataRecord[]] $Records, $Format)
    }
    function Get-Cell($Record, [string] $Column) { $Record.Values[$Record.Columns.IndexOf($Column)] }
    # The column headers Format-Table prints for an object: the words above its dashes.
    function Get-ShownHeaders($InputObject) {
        $lines = ($InputObject | Format-Table | Out-String -Width 400) -split '\r?\n'
        $dashes = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^[\s-]+$' -and $l -match '-' })
        @($lines[$dashes - 1] -split '\s+' | Where-Object { $_ })
    }
    function Use-Culture([string] $Name, [scriptblock] $Script) {
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = $Name
            (1.5).ToString() | Should -Be '1,5' -Because 'the test runs under the culture it names'
            & $Script
        }
        finally { [cultureinfo]::CurrentCulture = $saved }
    }
    $script:Iso = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$'
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'ObjectDataReader' {
    Context 'a typed object with a format view (FileInfo)' {
        It 'reads the columns of the default table view, with the typed values behind them' {
            $item = Get-Item $script:File
            $record = (New-Reader).Read($item)

            $record.TypeName | Should -Be 'System.IO.FileInfo'
            $record.Columns | Should -Be (Get-ShownHeaders $item)
            if ($IsWindows) { $record.Columns | Should -Be 'Mode', 'LastWriteTime', 'Length', 'Name' }
            else { $record.Columns | Should -Be 'UnixMode', 'User', 'Group', 'LastWriteTime', 'Size', 'Name' }

            $length = Get-Cell $record ($IsWindows ? 'Length' : 'Size')
            $length | Should -BeOfType [long]
            $length | Should -Be 12
            Get-Cell $record 'Name' | Should -BeExactly 'notes.txt' -Because 'the raw name, not the view''s coloured NameString'
            $written = Get-Cell $record 'LastWriteTime'
            $written | Should -BeOfType [datetime]
            $written | Should -Be $item.LastWriteTime
        }

        It 'renders its date as ISO 8601 and its length as a plain number' {
            $item = Get-Item $script:File
            $record = (New-Reader).Read($item)
            $text = [MixtralPS.Core.Input.DataRenderer]::FormatValue((Get-Cell $record 'LastWriteTime'))

            $text | Should -Match $script:Iso
            [datetime]::Parse($text, [cultureinfo]::InvariantCulture, 'RoundtripKind').ToUniversalTime() | Should -Be $item.LastWriteTimeUtc
            (Format-Records @($record) 'Json' | ConvertFrom-Json).($IsWindows ? 'Length' : 'Size') | Should -Be 12
        }
    }

    Context 'a custom object' {
        BeforeAll {
            $script:Custom = [pscustomobject]@{ Name = 'a'; Size = 1.5; When = [datetime]'2024-01-02T03:04:05Z' }
        }

        It 'reads its properties in order, keeping their types' {
            $record = (New-Reader).Read($script:Custom)

            $record.Columns | Should -Be 'Name', 'Size', 'When'
            $record.Values[1] | Should -BeOfType [double]
            $record.Values[2] | Should -BeOfType [datetime]
        }

        It 'renders invariant numbers and ISO dates under <_>' -ForEach 'en-US', 'de-DE' {
            $culture = $_
            $check = {
                $record = (New-Reader).Read($script:Custom)
                $when = [MixtralPS.Core.Input.DataRenderer]::FormatValue($record.Values[2])
                $when | Should -Match $script:Iso
                [datetimeoffset]::Parse($when, [cultureinfo]::InvariantCulture) | Should -Be ([datetimeoffset]'2024-01-02T03:04:05Z')

                Format-Records @($record) 'Table' | Should -Be "| Name | Size | When |`n| --- | --- | --- |`n| a | 1.5 | $when |"
                Format-Records @($record) 'Csv' | Should -Be "Name,Size,When`r`na,1.5,$when"
                $json = Format-Records @($record) 'Json' | ConvertFrom-Json
                $json.Size | Should -Be 1.5
            }
            if ($culture -eq 'de-DE') { Use-Culture $culture $check } else { & $check }
        }

        It 'bounds nesting like ConvertTo-Json -Depth: deeper objects become their text' {
            $deep = [pscustomobject]@{ L1 = [pscustomobject]@{ L2 = [pscustomobject]@{ L3 = [pscustomobject]@{ V = 1 } } } }

            $two = (New-Reader).Read($deep).Values[0]
            $two['L2'] | Should -BeOfType ([System.Collections.Generic.IReadOnlyDictionary[string, object]])
            $two['L2']['L3'] | Should -BeExactly '@{V=1}'

            $one = (New-Reader -MaxDepth 1).Read($deep).Values[0]
            $one['L2'] | Should -BeExactly '@{L3=}'
        }

        It 'bounds collections and says how many items it left out' {
            $list = (New-Reader).Read([pscustomobject]@{ Items = 1..30 }).Values[0]

            $list.Count | Should -Be 21
            $list[0] | Should -Be 1
            $list[20] | Should -Be '… (10 more)'
        }

        It 'records the error of a displayed property whose getter throws, and skips it otherwise' {
            $odd = [pscustomobject]@{ Name = 'x' } | Add-Member -PassThru ScriptProperty Bad { throw 'boom' }
            (New-Reader).Read($odd).Columns | Should -Be 'Name'

            $shown = [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Name', 'Bad'))
            $odd | Add-Member MemberSet PSStandardMembers ([System.Management.Automation.PSMemberInfo[]]@($shown))
            $record = (New-Reader).Read($odd)
            $record.Columns | Should -Be 'Name', 'Bad'
            $record.Values[1] | Should -Match '^\[error: .*boom'
        }
    }

    Context 'other shapes' {
        It 'reads a process with the columns of its table view, script columns included' {
            $process = Get-Process -Id $PID
            Use-Culture 'de-DE' {
                $record = (New-Reader).Read($process)

                $record.TypeName | Should -Be 'System.Diagnostics.Process'
                $record.Columns | Should -Be (Get-ShownHeaders $process)
                $record.Columns | Should -Be 'NPM(K)', 'PM(M)', 'WS(M)', 'CPU(s)', 'Id', 'SI', 'ProcessName'
                Get-Cell $record 'Id' | Should -Be $PID
                Get-Cell $record 'ProcessName' | Should -Be $process.ProcessName
                Get-Cell $record 'NPM(K)' | Should -BeOfType [long]
                Get-Cell $record 'WS(M)' | Should -Match '^[\d,]+\.\d\d$' -Because 'view scripts run under the invariant culture'
            }
        }

        It 'uses a table view for a custom object''s type name, and runs its script columns under the invariant culture' {
            $formatFile = Join-Path $script:Work 'item.format.ps1xml'
            Set-Content -Path $formatFile -Value @'
<Configuration><ViewDefinitions><View><Name>item</Name><ViewSelectedBy><TypeName>MixtralPS.Test.Item</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader /><TableColumnHeader><Label>Size (KB)</Label></TableColumnHeader></TableHeaders>
<TableRowEntries><TableRowEntry><TableColumnItems>
<TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem>
<TableColumnItem><ScriptBlock>'{0:N1}' -f ($_.Bytes / 1KB)</ScriptBlock></TableColumnItem>
</TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View></ViewDefinitions></Configuration>
'@
            # A runspace of its own: the added view goes away with it instead of staying in this session's format list.
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($Module, $FormatFile)
                        Import-Module $Module
                        Update-FormatData -AppendPath $FormatFile
                        [cultureinfo]::CurrentCulture = 'de-DE'
                        if ((1.5).ToString() -ne '1,5') { throw 'The runspace is not under de-DE.' }
                        $item = [pscustomobject]@{ PSTypeName = 'MixtralPS.Test.Item'; Name = 'big'; Bytes = 1536 }
                        [MixtralPS.Input.ObjectDataReader]::new($ExecutionContext).Read($item)
                    }).AddArgument($env:MIXTRALPS_TEST_MODULE).AddArgument($formatFile)
                $record = $ps.Invoke() | Select-Object -First 1
                $ps.Streams.Error | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }

            $record.TypeName | Should -Be 'MixtralPS.Test.Item'
            $record.Columns | Should -Be 'Name', 'Size (KB)'
            $record.Values | Should -Be 'big', '1.5'
        }

        It 'reads a dictionary as one record whose columns are its keys' {
            $record = (New-Reader).Read([ordered]@{ Zeta = 1; Alpha = 'two'; Nested = @{ In = $true } })

            $record.Columns | Should -Be 'Zeta', 'Alpha', 'Nested'
            $record.Values[0] | Should -Be 1
            $record.Values[2]['In'] | Should -BeTrue

            $table = @{ b = 2; a = 1 }
            (New-Reader).Read($table).Columns | Should -Be @($table.Keys)
        }

        It 'uses the DefaultDisplayPropertySet of a type without a view' {
            $shown = [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('B', 'A'))
            $object = [pscustomobject]@{ A = 1; B = 2; C = 3 }
            $object | Add-Member MemberSet PSStandardMembers ([System.Management.Automation.PSMemberInfo[]]@($shown))

            (New-Reader).Read($object).Columns | Should -Be 'B', 'A'
        }

        It 'reads a lone scalar as a Value column' {
            $record = (New-Reader).Read([pscustomobject]42)

            $record.Columns | Should -Be 'Value'
            $record.Values[0] | Should -Be 42
        }
    }

    Context 'ReadText' {
        It 'is what Out-String shows, trimmed, also from inside a pipeline' {
            $custom = [pscustomobject]@{ Name = 'a'; Size = 1.5 }
            (New-Reader).ReadText($custom) | Should -BeExactly ($custom | Out-String).Trim()

            $reader = New-Reader
            $item = Get-Item $script:File
            $text = $item | ForEach-Object { $reader.ReadText($_) }
            $text | Should -BeExactly ($item | Out-String).TrimStart("`r", "`n").TrimEnd()
            $text | Should -Match 'notes\.txt'
        }
    }
}
