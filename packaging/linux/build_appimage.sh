#!/usr/bin/env bash
# Wrap the PyInstaller one-dir bundle in an AppImage: one file a person downloads, marks executable and
# double-clicks, on any x86-64 Linux with glibc at least as new as the build machine's (build on the
# oldest supported distribution: the release workflow uses Ubuntu 22.04, glibc 2.35).
#
#   packaging/linux/build_appimage.sh dist/gptshelf dist [build/icons]
#
# Needs appimagetool (https://github.com/AppImage/appimagetool; not packaged by Debian): on PATH, or its
# path in APPIMAGETOOL. Without it, or with APPDIR_ONLY=1, the script stops after making the AppDir,
# which is runnable as it is (build/appimage/GPTShelf.AppDir/AppRun --self-test) to check the layout.
set -euo pipefail

bundle=${1:?usage: build_appimage.sh BUNDLE_DIR OUT_DIR [ICON_DIR]}
out=${2:?usage: build_appimage.sh BUNDLE_DIR OUT_DIR [ICON_DIR]}
icons=${3:-build/icons}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -x "$bundle/gptshelf" ] || { echo "build_appimage: no $bundle/gptshelf; run PyInstaller first (make package)" >&2; exit 1; }

version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/app/__init__.py")
variant=$(sed -n 's/.*"variant": "\([a-z]*\)".*/\1/p' "$bundle/_internal/resources/build-info.json" 2>/dev/null || true)
suffix=""
[ -n "$variant" ] && [ "$variant" != cpu ] && suffix="-$variant"
appdir="$root/build/appimage/GPTShelf.AppDir"
rm -rf "$appdir"
mkdir -p "$appdir/usr/share/applications" "$appdir/usr/share/icons/hicolor/scalable/apps"

cp -a "$bundle" "$appdir/usr/gptshelf"
# AppRun: the AppImage runtime mounts the image and runs this; "$@" keeps the CLI (gptshelf.AppImage info).
cat > "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/gptshelf/gptshelf" "$@"
APPRUN
chmod 755 "$appdir/AppRun"
install -m 644 "$here/gptshelf.desktop" "$appdir/gptshelf.desktop"
install -m 644 "$here/gptshelf.desktop" "$appdir/usr/share/applications/gptshelf.desktop"
install -m 644 "$root/resources/icons/gptshelf.svg" "$appdir/gptshelf.svg"
install -m 644 "$root/resources/icons/gptshelf.svg" "$appdir/usr/share/icons/hicolor/scalable/apps/gptshelf.svg"
if [ -f "$icons/gptshelf-256.png" ]; then
    install -m 644 "$icons/gptshelf-256.png" "$appdir/.DirIcon"
else
    ln -sf gptshelf.svg "$appdir/.DirIcon"
fi

tool=${APPIMAGETOOL:-$(command -v appimagetool || command -v appimagetool-x86_64.AppImage || true)}
if [ "${APPDIR_ONLY:-0}" = 1 ] || [ -z "$tool" ]; then
    [ -n "$tool" ] || echo "build_appimage: appimagetool not found (set APPIMAGETOOL); the AppDir is ready: $appdir" >&2
    echo "$appdir"
    exit 0
fi
mkdir -p "$out"
image="$out/GPTShelf-${version}${suffix}-$(uname -m).AppImage"
# --appimage-extract-and-run: appimagetool is itself an AppImage, and CI machines often lack FUSE.
ARCH=$(uname -m) "$tool" --appimage-extract-and-run --no-appstream "$appdir" "$image" >/dev/null
echo "$image"
