#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the module's help from docs/help: MAML (MixtralPS.dll-Help.xml) for the cmdlets, and
    about_*.help.txt for the about topics.
.DESCRIPTION
    Each <Cmdlet>.md is read against the loaded cmdlet. The cmdlet gives the facts (types, parameter sets,
    positions, pipeline input, aliases, syntax); the page gives the words. The build fails, naming the cmdlet
    and the parameter, when a page lacks a parameter the cmdlet has, documents one it does not have, leaves
    one without a description, states facts (SYNTAX, a parameter's yaml block) that differ from the cmdlet's,
    or lacks a synopsis, a description or an example. The format is described in docs/help/README.md.
    Run it in a process of its own: it imports the module, which would otherwise stay loaded.
#>
[CmdletBinding()]
param(
    # The built module: its folder or manifest.
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $MarkdownPath,
    # Where the help goes: the module's en-US folder.
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force
$module = Import-Module (Resolve-Path $ModulePath).Path -PassThru
$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters

# Console width the help is laid out for; text is indented 4 columns, parameter text 8. Get-Help breaks a
# line that reaches the last column, so its paragraphs stop one short of it.
$Width = 80

function Get-TypeName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $underlying.Name } else { $Type.Name }
}

function Get-AcceptedValue($Parameter) {
    $type = $Parameter.ParameterType
    $type = if ($type.IsArray) { $type.GetElementType() } elseif ([Nullable]::GetUnderlyingType($type)) { [Nullable]::GetUnderlyingType($type) } else { $type }
    if ($type.IsEnum) { return [enum]::GetNames($type) }
    $set = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
    if ($set) { $set[0].ValidValues }
}

function Get-PipelineInput($Parameter) {
    $how = @(if ($Parameter.ValueFromPipeline) { 'ByValue' }) + @(if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    if ($how) { "True ($($how -join ', '))" } else { 'False' }
}

function Get-Position($Parameter) {
    if ($Parameter.Position -ge 0) { "$($Parameter.Position)" } else { 'Named' }
}

# What the cmdlet says of each of its parameters (common ones left out), per parameter set, in the order of
# its syntax.
function Get-ParameterFact([System.Management.Automation.CommandInfo] $Command) {
    $facts = [ordered]@{}
    foreach ($set in $Command.ParameterSets) {
        foreach ($p in $set.Parameters) {
            if ($commonParameters.Contains($p.Name)) { continue }
            if (-not $facts.Contains($p.Name)) {
                $facts[$p.Name] = [pscustomobject]@{
                    Name      = $p.Name
                    Type      = Get-TypeName $p.ParameterType
                    IsSwitch  = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
                    Aliases   = @($p.Aliases)
                    Accepted  = @(Get-AcceptedValue $p)
                    Wildcards = [bool]@($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    Sets      = [System.Collections.Generic.List[object]]::new()
                }
            }
            $facts[$p.Name].Sets.Add([pscustomobject]@{
                    Set      = $set.Name
                    Required = $p.IsMandatory
                    Position = Get-Position $p
                    Pipeline = Get-PipelineInput $p
                })
        }
    }
    $facts
}

# The yaml blocks a page shows for a parameter, as platyPS writes them: one per group of parameter sets in
# which the parameter behaves alike.
function Format-ParameterYaml($Fact, [int] $SetCount, [string] $DefaultValue) {
    $groups = $Fact.Sets | Group-Object { "$($_.Required)|$($_.Position)|$($_.Pipeline)" }
    foreach ($group in $groups) {
        $first = $group.Group[0]
        $sets = if ($group.Count -eq $SetCount) { '(All)' } else { $group.Group.Set -join ', ' }
        $lines = @(
            "Type: $($Fact.Type)"
            "Parameter Sets: $sets"
            "Aliases: $($Fact.Aliases -join ', ')".TrimEnd()
            if ($Fact.Accepted) { "Accepted values: $($Fact.Accepted -join ', ')" }
            ''
            "Required: $($first.Required)"
            "Position: $($first.Position)"
            "Default value: $DefaultValue"
            "Accept pipeline input: $($first.Pipeline)"
            "Accept wildcard characters: $($Fact.Wildcards)"
        )
        , $lines
    }
}

# The SYNTAX section as the page must show it: each parameter set as Get-Command -Syntax prints it.
function Format-Syntax([System.Management.Automation.CommandInfo] $Command) {
    foreach ($set in $Command.ParameterSets) {
        $title = if ($Command.ParameterSets.Count -eq 1) { $set.Name } elseif ($set.IsDefault) { "$($set.Name) (Default)" } else { $set.Name }
        @("### $title", '', '```', "$($Command.Name) $set", '```', '')
    }
}

function Get-SectionText($Page, [string] $Name) {
    if (-not $Page.Sections.Contains($Name)) { return '' }
    (@($Page.Sections[$Name].Blocks | ForEach-Object { Format-HelpBlock $_ }) -join ' ').Trim()
}

# The one fact a page states itself: the default, from the yaml block.
function Get-DefaultValue($Doc) {
    foreach ($line in $Doc.Yaml | Select-Object -First 1 | ForEach-Object { $_ }) {
        if ($line -match '^Default value:\s*(.+)$') { return $Matches[1].Trim() }
    }
}

# Every way the page falls short of the cmdlet, one line each, naming the cmdlet and the parameter.
function Test-HelpPage($Page, [System.Management.Automation.CommandInfo] $Command, $Facts) {
    $name = $Command.Name
    if ($Page.Title -ne $name) { "${name}: the page's title is '$($Page.Title)', not '# $name'." }
    foreach ($section in 'SYNOPSIS', 'DESCRIPTION') {
        if (-not (Get-SectionText $Page $section)) { "${name}: the $section section is missing or empty." }
    }
    foreach ($section in 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'RELATED LINKS') {
        if (-not $Page.Sections.Contains($section)) { "${name}: the $section section is missing." }
    }
    $examples = @(Get-HelpExample $Page)
    if (-not $examples) { "${name}: there is no example (### Example 1: ... with a powershell code block)." }
    foreach ($example in $examples | Where-Object { -not $_.Code }) { "${name}: the example '$($example.Title)' has no powershell code block." }

    if ($Page.Sections.Contains('SYNTAX')) {
        $expected = @(Format-Syntax $Command | Where-Object { $_ -notmatch '^(```)?$' })
        $actual = @($Page.Sections['SYNTAX'].Subsections | ForEach-Object { "### $($_.Title)"; $_.Blocks | Where-Object Kind -eq 'Code' | ForEach-Object Lines })
        if (($expected -join "`n") -ne ($actual -join "`n")) {
            "${name}: the SYNTAX section differs from the cmdlet's; it should read:`n$((Format-Syntax $Command) -join "`n")"
        }
    }

    $documented = @(Get-HelpParameter $Page)
    foreach ($doc in $documented | Group-Object Name | Where-Object Count -gt 1) { "${name}: the parameter -$($doc.Name) is documented $($doc.Count) times." }
    foreach ($fact in $Facts.Values) {
        $doc = $documented | Where-Object Name -eq $fact.Name | Select-Object -First 1
        if (-not $doc) {
            "${name}: the parameter -$($fact.Name) has no help: add '### -$($fact.Name)' under PARAMETERS with a description and this yaml block:`n$((Format-ParameterYaml $fact $Command.ParameterSets.Count 'None' | ForEach-Object { $_ -join "`n" }) -join "`n`n")"
            continue
        }
        if (-not (@($doc.Description | ForEach-Object { Format-HelpBlock $_ }) -join '').Trim()) { "${name}: the parameter -$($fact.Name) has no description." }
        $default = Get-DefaultValue $doc
        if (-not $default) { "${name}: the parameter -$($fact.Name) has no 'Default value:' in its yaml block." }
        $expected = @(Format-ParameterYaml $fact $Command.ParameterSets.Count $default | ForEach-Object { $_ -join "`n" })
        $actual = @($doc.Yaml | ForEach-Object { ($_ | ForEach-Object TrimEnd) -join "`n" })
        if (($expected -join "`n`n") -ne ($actual -join "`n`n")) {
            "${name}: the yaml of -$($fact.Name) differs from the cmdlet's parameter; it should read:`n$($expected -join "`n`n")"
        }
    }
    foreach ($doc in $documented | Where-Object { -not $Facts.Contains($_.Name) }) {
        "${name}: the page documents -$($doc.Name), which the cmdlet does not have."
    }
}

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Element([System.Xml.XmlWriter] $Xml, [string] $Name, [string] $Text) {
    $prefix, $local = $Name -split ':'
    $Xml.WriteElementString($prefix, $local, $ns[$prefix], $Text)
}

function Write-Start([System.Xml.XmlWriter] $Xml, [string] $Name, [hashtable] $Attributes = @{}) {
    $prefix, $local = $Name -split ':'
    $Xml.WriteStartElement($prefix, $local, $ns[$prefix])
    foreach ($key in $Attributes.Keys | Sort-Object) { $Xml.WriteAttributeString($key, $Attributes[$key]) }
}

# Paragraphs as Get-Help shows them: wrapped to the console for the indentation they are shown at.
function Write-Para([System.Xml.XmlWriter] $Xml, $Blocks, [int] $Indent = 4) {
    foreach ($block in $Blocks) {
        $lines = @(Format-HelpBlock $block ($Width - 1 - $Indent))
        if ($lines) { Write-Element $Xml 'maml:para' ($lines -join "`n") }
    }
}

function Write-Description([System.Xml.XmlWriter] $Xml, $Blocks, [int] $Indent = 4) {
    Write-Start $Xml 'maml:description'
    Write-Para $Xml $Blocks $Indent
    $Xml.WriteEndElement()
}

function Write-ParameterValue([System.Xml.XmlWriter] $Xml, $Fact) {
    Write-Start $Xml 'command:parameterValue' @{ required = "$(-not $Fact.IsSwitch)".ToLowerInvariant(); variableLength = 'false' }
    $Xml.WriteString($Fact.Type)
    $Xml.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $Xml, $Fact, $SetFact, $Doc, [switch] $InSyntax) {
    Write-Start $Xml 'command:parameter' @{
        required       = "$($SetFact.Required)".ToLowerInvariant()
        variableLength = 'true'
        globbing       = "$($Fact.Wildcards)".ToLowerInvariant()
        pipelineInput  = $SetFact.Pipeline
        position       = $SetFact.Position.ToLowerInvariant()
        aliases        = if ($Fact.Aliases) { $Fact.Aliases -join ', ' } else { 'none' }
    }
    Write-Element $Xml 'maml:name' $Fact.Name
    if ($InSyntax) {
        # Get-Help shows the accepted values in the syntax as {A | B}; a switch shows no value at all.
        if ($Fact.Accepted) {
            Write-Start $Xml 'command:parameterValueGroup'
            foreach ($value in $Fact.Accepted) {
                Write-Start $Xml 'command:parameterValue' @{ required = 'false'; variableLength = 'false' }
                $Xml.WriteString($value)
                $Xml.WriteEndElement()
            }
            $Xml.WriteEndElement()
        }
        if (-not $Fact.IsSwitch) { Write-ParameterValue $Xml $Fact }
    }
    else {
        Write-Description $Xml $Doc.Description 8
        Write-ParameterValue $Xml $Fact
        Write-Start $Xml 'dev:type'
        Write-Element $Xml 'maml:name' $Fact.Type
        $Xml.WriteEndElement()
        Write-Element $Xml 'dev:defaultValue' (Get-DefaultValue $Doc)
    }
    $Xml.WriteEndElement()
}

# INPUTS and OUTPUTS: one entry per ### type heading.
function Write-TypeList([System.Xml.XmlWriter] $Xml, $Page, [string] $Section, [string] $List, [string] $Item) {
    Write-Start $Xml $List
    foreach ($sub in $Page.Sections[$Section].Subsections) {
        Write-Start $Xml $Item
        Write-Start $Xml 'dev:type'
        Write-Element $Xml 'maml:name' $sub.Title
        $Xml.WriteEndElement()
        Write-Description $Xml $sub.Blocks 8
        $Xml.WriteEndElement()
    }
    $Xml.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $Xml, $Page, [System.Management.Automation.CommandInfo] $Command, $Facts) {
    Write-Start $Xml 'command:command'
    Write-Start $Xml 'command:details'
    Write-Element $Xml 'command:name' $Command.Name
    Write-Element $Xml 'command:verb' $Command.Verb
    Write-Element $Xml 'command:noun' $Command.Noun
    # The synopsis stays on one line: tables of commands (Get-Help *-Mixtral*) show it in a column.
    Write-Start $Xml 'maml:description'
    Write-Element $Xml 'maml:para' (Get-SectionText $Page 'SYNOPSIS')
    $Xml.WriteEndElement()
    $Xml.WriteEndElement()
    Write-Description $Xml $Page.Sections['DESCRIPTION'].Blocks

    Write-Start $Xml 'command:syntax'
    foreach ($set in $Command.ParameterSets) {
        Write-Start $Xml 'command:syntaxItem'
        Write-Element $Xml 'maml:name' $Command.Name
        # The order Get-Command -Syntax shows: positional parameters first.
        foreach ($name in [regex]::Matches($set.ToString(), '(?<=[\[\s]|^)-(\w+)') | ForEach-Object { $_.Groups[1].Value }) {
            if (-not $Facts.Contains($name)) { continue }
            $fact = $Facts[$name]
            Write-Parameter $Xml $fact ($fact.Sets | Where-Object Set -eq $set.Name) $null -InSyntax
        }
        $Xml.WriteEndElement()
    }
    $Xml.WriteEndElement()

    # Parameters in the page's order, which groups them by purpose.
    Write-Start $Xml 'command:parameters'
    foreach ($doc in Get-HelpParameter $Page) { Write-Parameter $Xml $Facts[$doc.Name] $Facts[$doc.Name].Sets[0] $doc }
    $Xml.WriteEndElement()

    Write-TypeList $Xml $Page 'INPUTS' 'command:inputTypes' 'command:inputType'
    Write-TypeList $Xml $Page 'OUTPUTS' 'command:returnValues' 'command:returnValue'

    if ($Page.Sections.Contains('NOTES')) {
        Write-Start $Xml 'maml:alertSet'
        Write-Start $Xml 'maml:alert'
        Write-Para $Xml $Page.Sections['NOTES'].Blocks 8
        $Xml.WriteEndElement()
        $Xml.WriteEndElement()
    }

    Write-Start $Xml 'command:examples'
    foreach ($example in Get-HelpExample $Page) {
        Write-Start $Xml 'command:example'
        Write-Element $Xml 'maml:title' "---------- $($example.Title) ----------"
        Write-Element $Xml 'dev:code' ($(if ($example.Output) { "$($example.Code)`n`n$($example.Output)" } else { $example.Code }))
        Write-Start $Xml 'dev:remarks'
        Write-Para $Xml $example.Remarks
        # An empty paragraph keeps the next example's title off the last line of these remarks.
        Write-Element $Xml 'maml:para' ''
        $Xml.WriteEndElement()
        $Xml.WriteEndElement()
    }
    $Xml.WriteEndElement()

    Write-Start $Xml 'command:relatedLinks'
    foreach ($item in $Page.Sections['RELATED LINKS'].Blocks | Where-Object Kind -eq 'List' | ForEach-Object Items) {
        $text, $uri = if ($item -match '^\[([^\]]+)\]\(([^)]*)\)') { $Matches[1], $Matches[2] } else { $item, '' }
        Write-Start $Xml 'maml:navigationLink'
        Write-Element $Xml 'maml:linkText' $text
        Write-Element $Xml 'maml:uri' $(if ($uri -match '^https?://') { $uri } else { '' })
        $Xml.WriteEndElement()
    }
    $Xml.WriteEndElement()
    $Xml.WriteEndElement()
}

# An about topic as PowerShell's own: headings at the margin, subheadings indented 2, text 4, code 8.
function ConvertTo-AboutText($Page) {
    $out = [System.Collections.Generic.List[string]]::new()
    $out.AddRange([string[]]@('TOPIC', "    $($Page.Title)"))
    foreach ($section in $Page.Sections.Values) {
        $out.AddRange([string[]]@('', $section.Name))
        $parts = @([pscustomobject]@{ Title = $null; Blocks = $section.Blocks }) + @($section.Subsections)
        foreach ($part in $parts) {
            if ($part.Title) { $out.AddRange([string[]]@('', "  $($part.Title)")) }
            $first = $true
            foreach ($block in $part.Blocks | Where-Object Kind -ne 'Comment') {
                if (-not $first) { $out.Add('') }
                $first = $false
                Format-HelpBlock $block ($Width - 4) | ForEach-Object { $out.Add($(if ($_) { "    $_" } else { '' })) }
            }
        }
    }
    ($out -join [Environment]::NewLine) + [Environment]::NewLine
}

$problems = [System.Collections.Generic.List[string]]::new()
$pages = @{}
foreach ($file in Get-ChildItem $MarkdownPath -Filter '*.md' | Where-Object { $_.Name -ne 'README.md' -and $_.Name -notlike 'about_*' }) {
    $pages[$file.BaseName] = Read-HelpMarkdown $file.FullName
}
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$facts = @{}
foreach ($command in $commands) {
    $facts[$command.Name] = Get-ParameterFact $command
    if (-not $pages.ContainsKey($command.Name)) { $problems.Add("$($command.Name): there is no help page $(Join-Path $MarkdownPath "$($command.Name).md")."); continue }
    @(Test-HelpPage $pages[$command.Name] $command $facts[$command.Name]) | ForEach-Object { $problems.Add($_) }
}
foreach ($name in $pages.Keys | Where-Object { $_ -notin $commands.Name }) { $problems.Add("${name}.md documents a cmdlet the module does not export.") }
if ($problems.Count) {
    # Written line by line (an exception's message would be reflowed), and the exit code fails the build.
    [Console]::Error.WriteLine("The help in $MarkdownPath does not match the cmdlets ($($problems.Count) problems):")
    foreach ($problem in $problems) { [Console]::Error.WriteLine("- $problem") }
    exit 1
}

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$maml = Join-Path $OutputPath "$(Split-Path $module.RootModule -Leaf)-Help.xml"
$xml = [System.Xml.XmlWriter]::Create($maml, $settings)
try {
    $xml.WriteStartDocument()
    $xml.WriteStartElement('helpItems', 'http://msh')
    $xml.WriteAttributeString('schema', 'maml')
    foreach ($prefix in 'maml', 'command', 'dev') { $xml.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }
    foreach ($command in $commands) { Write-Command $xml $pages[$command.Name] $command $facts[$command.Name] }
    $xml.WriteEndElement()
}
finally { $xml.Dispose() }
Write-Host "Help for $($commands.Count) cmdlets: $maml"

foreach ($file in Get-ChildItem $MarkdownPath -Filter 'about_*.md') {
    $page = Read-HelpMarkdown $file.FullName
    if ($page.Title -ne $file.BaseName) { throw "$($file.Name): the title is '$($page.Title)', not '# $($file.BaseName)'." }
    $target = Join-Path $OutputPath "$($file.BaseName).help.txt"
    [IO.File]::WriteAllText($target, (ConvertTo-AboutText $page), [System.Text.UTF8Encoding]::new($false))
    Write-Host "About topic: $target"
}
