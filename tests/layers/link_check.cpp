// Linked once per layer with that layer's whole library and only the layers
// below it (CMakeLists.txt): a call from a lower layer into a higher one, or
// between cache/ and services/, leaves a symbol undefined and fails the build.
int main() {
  return 0;
}
