using MixtralPS.Core.CommandRequests;

namespace MixtralPS.Core.Tests.CommandRequests;

/// <summary>Which commands, redirections and method calls count as changing state.</summary>
public sealed class CommandEffectsTests
{
    [Theory]
    [InlineData("Remove-Item")]
    [InlineData("remove-item")]
    [InlineData("New-Item")]
    [InlineData("Set-Content")]
    [InlineData("Stop-Process")]
    [InlineData("Restart-Service")]
    [InlineData("Move-Item")]
    [InlineData("Rename-Item")]
    [InlineData("Copy-Item")]
    [InlineData("Install-Module")]
    [InlineData("Export-Csv")]
    [InlineData("Out-File")]
    [InlineData("Write-EventLog")]
    [InlineData("Start-Process")]
    [InlineData("Invoke-Expression")]
    [InlineData("Clear-RecycleBin")]
    [InlineData("rm")]
    [InlineData("/bin/rm")]
    [InlineData("RM.EXE")]
    [InlineData(@"C:\Windows\System32\shutdown.exe")]
    [InlineData("chmod")]
    [InlineData("kill")]
    [InlineData("dd")]
    [InlineData("mkfs.ext4")]
    [InlineData("sudo")]
    [InlineData("tee")]
    public void Counts_commands_that_change_state(string name)
    {
        Assert.True(CommandEffects.ChangesState(name, []));
    }

    [Theory]
    [InlineData("Get-ChildItem")]
    [InlineData("Select-Object")]
    [InlineData("Write-Output")]
    [InlineData("Write-Host")]
    [InlineData("Out-String")]
    [InlineData("Out-Null")]
    [InlineData("Set-Location")]
    [InlineData("New-Object")]
    [InlineData("Start-Sleep")]
    [InlineData("Import-Csv")]
    [InlineData("Measure-Object")]
    [InlineData("ls")]
    [InlineData("grep")]
    [InlineData("find")]
    [InlineData("Where-Object")]
    public void Does_not_count_commands_that_read_or_touch_only_the_session(string name)
    {
        Assert.False(CommandEffects.ChangesState(name, []));
    }

    [Theory]
    [InlineData("git", "push origin main", true)]
    [InlineData("git", "commit -m fix", true)]
    [InlineData("git", "reset --hard HEAD~1", true)]
    [InlineData("git", "status", false)]
    [InlineData("git", "log --oneline", false)]
    [InlineData("git", "", false)]
    [InlineData("systemctl", "restart nginx", true)]
    [InlineData("systemctl", "status nginx", false)]
    [InlineData("apt-get", "install -y jq", true)]
    [InlineData("apt", "list --installed", false)]
    [InlineData("winget", "upgrade --all", true)]
    [InlineData("docker", "ps -a", false)]
    [InlineData("docker", "rm web", true)]
    [InlineData("crontab", "-l", false)]
    [InlineData("crontab", "-r", true)]
    [InlineData("sed", "-n 1,5p file", false)]
    [InlineData("sed", "-i s/a/b/ file", true)]
    [InlineData("pacman", "-Syu", true)]
    [InlineData("pacman", "-Qs vim", false)]
    [InlineData("Invoke-WebRequest", "https://x -OutFile a.zip", true)]
    [InlineData("Invoke-WebRequest", "https://x -OutF a.zip", true)]
    [InlineData("Invoke-RestMethod", "https://x -Method Post -Body {}", true)]
    [InlineData("Invoke-RestMethod", "https://x -Method:Delete", true)]
    [InlineData("Invoke-RestMethod", "https://x -Method Get", false)]
    [InlineData("Invoke-RestMethod", "https://x", false)]
    [InlineData("Tee-Object", "-FilePath log.txt", true)]
    [InlineData("Tee-Object", "-Variable saved", false)]
    public void Judges_some_commands_by_their_arguments(string name, string arguments, bool changes)
    {
        Assert.Equal(changes, CommandEffects.ChangesState(name, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("out.txt", true)]
    [InlineData("'C:\\logs\\a.log'", true)]
    [InlineData("$null", false)]
    [InlineData("$NULL", false)]
    [InlineData("/dev/null", false)]
    [InlineData("NUL", false)]
    public void Counts_redirections_to_files_but_not_to_null(string target, bool changes)
    {
        Assert.Equal(changes, CommandEffects.RedirectionChanges(target));
    }

    [Theory]
    [InlineData("Delete", true)]
    [InlineData("WriteAllText", true)]
    [InlineData("Kill", true)]
    [InlineData("ReadAllText", false)]
    [InlineData("Replace", false)]
    [InlineData("ToString", false)]
    public void Counts_dotnet_methods_that_change_state(string method, bool changes)
    {
        Assert.Equal(changes, CommandEffects.MethodChangesState(method));
    }
}
