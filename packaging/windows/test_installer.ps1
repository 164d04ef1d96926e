# Install the Inno Setup installer silently for the current user, run the installed `gptshelf --self-test`,
# uninstall it silently and check that the install folder, Start-menu entry and PATH entry are gone.
#   pwsh packaging/windows/test_installer.ps1 dist\GPTShelf-0.1.0-windows-x64-setup.exe
param([Parameter(Mandatory = $true)][string]$Installer)
$ErrorActionPreference = "Stop"

$dir = Join-Path $env:RUNNER_TEMP "GPT Shelf test install"
if (-not $env:RUNNER_TEMP) { $dir = Join-Path $env:TEMP "GPT Shelf test install" }
$log = Join-Path (Split-Path $dir) "gptshelf-setup.log"

Write-Host "installing $Installer into $dir"
$p = Start-Process -FilePath $Installer -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/TASKS=addtopath", "/DIR=`"$dir`"", "/LOG=`"$log`"")
if ($p.ExitCode -ne 0) { Get-Content $log | Select-Object -Last 40; throw "the installer exited with $($p.ExitCode)" }

foreach ($path in @("$dir\gptshelf.exe", "$dir\gptshelf-gui.exe", "$dir\unins000.exe",
                    "$env:APPDATA\Microsoft\Windows\Start Menu\Programs\GPT Shelf.lnk")) {
    if (-not (Test-Path $path)) { throw "the installer did not create $path" }
}
$userPath = [Environment]::GetEnvironmentVariable("Path", "User")
if ($userPath -notlike "*$dir*") { throw "the installer did not add $dir to the user's PATH" }

# A data folder of its own: the self-test makes a temporary one anyway, this keeps `info` off the runner's.
$env:GPTSHELF_HOME = Join-Path (Split-Path $dir) "gptshelf-test-home"
& "$dir\gptshelf.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "the installed self-test failed ($LASTEXITCODE)" }
& "$dir\gptshelf.exe" info

$p = Start-Process -FilePath "$dir\unins000.exe" -Wait -PassThru -ArgumentList @("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
if ($p.ExitCode -ne 0) { throw "the uninstaller exited with $($p.ExitCode)" }
Start-Sleep -Seconds 3  # the uninstaller finishes deleting itself from a copy in %TEMP%
foreach ($path in @("$dir\gptshelf.exe", "$env:APPDATA\Microsoft\Windows\Start Menu\Programs\GPT Shelf.lnk")) {
    if (Test-Path $path) { throw "the uninstaller left $path" }
}
$userPath = [Environment]::GetEnvironmentVariable("Path", "User")
if ($userPath -like "*$dir*") { throw "the uninstaller left $dir in the user's PATH" }
Write-Host "installed, self-tested and uninstalled cleanly"
