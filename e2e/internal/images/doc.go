// Package images builds the container images the real-node suite runs, one
// per recipe of e2e/images: a root filesystem from Debian packages
// (mmdebstrap, as root) or from scratch, made a single-layer OCI image with
// the upstream image's configuration. Each image is cached under
// <cacheDir>/images/<name>-<key>/ as an OCI layout, the key a hash of the
// recipe and of everything else that goes into the image; a warm run only
// reads the layouts.
package images
