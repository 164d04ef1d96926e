#!/usr/bin/env bash
# Put "GPT Shelf.app" (made by packaging/gptshelf.spec on macOS) in a compressed .dmg with an
# Applications link, so a person drags the app across and is done.
#
#   packaging/macos/build_dmg.sh "dist/GPT Shelf.app" dist
#
# Signing: ad-hoc by default (Apple Silicon runs no unsigned code; a downloaded ad-hoc app still needs
# right-click > Open once, see docs/install.md). With CODESIGN_IDENTITY="Developer ID Application: ..."
# it is signed for real with the hardened runtime; notarize the .dmg afterwards with
# `xcrun notarytool submit --wait` and `xcrun stapler staple` (needs the project's Apple account).
set -euo pipefail

app=${1:-dist/GPT Shelf.app}
out=${2:-dist}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -d "$app" ] || { echo "build_dmg: $app not found; run PyInstaller on macOS first" >&2; exit 1; }

version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/app/__init__.py")
record=$(find "$app/Contents" -name build-info.json -print -quit)
variant=$(sed -n 's/.*"variant": "\([a-z]*\)".*/\1/p' "$record" 2>/dev/null || true)
suffix=""
[ -n "$variant" ] && [ "$variant" != cpu ] && suffix="-$variant"
dmg="$out/GPTShelf-${version}${suffix}-macos-$(uname -m).dmg"

identity=${CODESIGN_IDENTITY:--}
if [ "$identity" = - ]; then
    codesign --force --deep --sign - "$app"
else
    codesign --force --deep --options runtime --timestamp --sign "$identity" "$app"
fi
codesign --verify --deep --strict "$app"

stage="$root/build/dmg"
rm -rf "$stage"
mkdir -p "$stage" "$out"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname "GPT Shelf" -srcfolder "$stage" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$dmg" >/dev/null
echo "$dmg"
