// The portal's own script: nothing beyond the kit's /assets/lightgate.js (copy buttons, countdowns) for now.
