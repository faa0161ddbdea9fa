# Sourced by ./shiftnet, ./run-tests and .ci/run. Sets JAVA_HOME to a JDK >= 25 or explains why it cannot.
# Order: JAVA_HOME if it is a JDK >= 25; then the usual install places; then `java` on PATH.

shiftnet4j_jdk_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing when $1 is not a JDK.
  local home="$1" release line
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  release="$home/release"
  if [ -f "$release" ]; then
    line=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*"/\1/p' "$release" | head -n 1)
    [ -n "$line" ] && { echo "$line"; return 0; }
  fi
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

shiftnet4j_find_jdk() {
  local required=25 candidate major rejected=""
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(shiftnet4j_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$required" ]; then
      return 0
    fi
    if [ -n "$major" ]; then
      rejected="JAVA_HOME=$JAVA_HOME is JDK $major; "
    else
      rejected="JAVA_HOME=$JAVA_HOME is not a JDK (no bin/java and bin/javac); "
    fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
                   "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    major=$(shiftnet4j_jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$required" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(shiftnet4j_jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$required" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  {
    echo "error: shiftnet4j needs a JDK $required or newer (it uses the Vector API and java.lang.foreign)."
    [ -n "$rejected" ] && echo "       ${rejected}ignored it."
    echo "       No JDK >= $required was found under /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks or on PATH."
    echo "       Install one (for example Temurin 25) and either put it in one of those places"
    echo "       or run: export JAVA_HOME=/path/to/jdk-25"
  } >&2
  return 1
}
