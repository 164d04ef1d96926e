; Inno Setup 6 script: a per-user installer for the PyInstaller bundle (dist\gptshelf\), with a Start-menu
; entry, an optional desktop icon, an optional "gptshelf on PATH" for the command line, and an uninstaller
; (Settings > Apps, or the Start-menu "Uninstall GPT Shelf"). No administrator rights are needed; an admin
; can choose "for all users" in the first dialog.
;
;   iscc /DAppVersion=0.1.0 /DVariant=cpu packaging\windows\gptshelf.iss
;
; (the release workflow runs this after PyInstaller; Variant is cpu or cuda and only names the file).
; The person's data (%LOCALAPPDATA%\GPTShelf: catalog, models, conversations) is not removed by the
; uninstaller, on purpose: docs/install.md says how to delete it.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef Variant
  #define Variant "cpu"
#endif
#if Variant == "cpu"
  #define Suffix ""
#else
  #define Suffix "-" + Variant
#endif

[Setup]
AppId={{6B0F2C43-7E1D-4B7A-9C55-2F4A8E0D9B61}
AppName=GPT Shelf
AppVersion={#AppVersion}
AppVerName=GPT Shelf {#AppVersion}
AppPublisher=GPT Shelf developers
AppPublisherURL=https://github.com/gptshelf/gptshelf
DefaultDirName={autopf}\GPT Shelf
DefaultGroupName=GPT Shelf
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=GPTShelf-{#AppVersion}{#Suffix}-windows-x64-setup
SetupIconFile=..\..\build\icons\gptshelf.ico
UninstallDisplayIcon={app}\gptshelf-gui.exe
UninstallDisplayName=GPT Shelf
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes

[Languages]
; English only: not every Inno Setup 6 release ships a Simplified Chinese message file (the app itself
; follows the system's language, Chinese included).
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the gptshelf command to PATH (for the command line)"; Flags: unchecked

[Files]
Source: "..\..\dist\gptshelf\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\GPT Shelf"; Filename: "{app}\gptshelf-gui.exe"; WorkingDir: "{app}"
Name: "{autoprograms}\Uninstall GPT Shelf"; Filename: "{uninstallexe}"
Name: "{autodesktop}\GPT Shelf"; Filename: "{app}\gptshelf-gui.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; HKA: the current user's environment for a per-user install, the machine's for an all-users one.
Root: HKA; Subkey: "{code:EnvironmentKey}"; ValueType: expandsz; ValueName: "Path"; \
    ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\gptshelf-gui.exe"; Description: "{cm:LaunchProgram,GPT Shelf}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the app itself may leave inside its own folder; never the data folder.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function EnvironmentKey(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function RootKey(): Integer;
begin
  if IsAdminInstallMode then
    Result := HKEY_LOCAL_MACHINE
  else
    Result := HKEY_CURRENT_USER;
end;

function NeedsAddPath(Dir: String): Boolean;
var
  Paths: String;
begin
  if not RegQueryStringValue(RootKey(), EnvironmentKey(''), 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

{ Take the install folder back out of PATH when uninstalling (the [Registry] entry only ever appended it). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Paths, Dir: String;
  P: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  if not RegQueryStringValue(RootKey(), EnvironmentKey(''), 'Path', Paths) then
    exit;
  Dir := ExpandConstant('{app}');
  P := Pos(';' + Uppercase(Dir), Uppercase(Paths));
  if P > 0 then
  begin
    Delete(Paths, P, Length(Dir) + 1);
    RegWriteExpandStringValue(RootKey(), EnvironmentKey(''), 'Path', Paths);
  end;
end;
