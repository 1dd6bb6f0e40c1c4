#!/bin/sh
# Copy the reference device core (unchanged), the generated channel tables and the pads'
# shared rhythm rendering into this sketch, where the Arduino IDE / arduino-cli compile them
# (they build every file under src/).
# Run it again after updating the core. The copies are build inputs, not sources: edit
# firmware_protocol/c/, never src/massage_core/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
core="$here/../../c"
dest="$here/src/massage_core"
mkdir -p "$dest"
cp "$core"/src/*.c "$core"/src/*.h "$dest"/
cp "$core"/host/mp_profiles.c "$core"/host/mp_profiles.h "$dest"/
cp "$here"/../pad-common/pad_rhythm.h "$dest"/   # shared with the Arduino Mega sketch
echo "copied the massage_ctl device core into $dest"
