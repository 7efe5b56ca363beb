package dev.httppool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericDeclaration;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The exported API of pool-core as text: for every public or protected type of the packages that its module
 * descriptor exports, the type's header (kind, modifiers, type parameters, supertypes, permitted subclasses) and
 * its public and protected fields, constructors and methods with their generic types and throws clauses, one
 * per line and sorted. Inherited members are covered by the supertypes. Read from pool-core's compiled classes
 * (its jar or its {@code target/classes}), whichever the test class path holds.
 */
final class ApiSignatures {

    private static final int SHOWN_MODIFIERS = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
            | Modifier.FINAL | Modifier.ABSTRACT;

    private final Path location;
    private final ModuleDescriptor descriptor;

    private ApiSignatures(Path location, ModuleDescriptor descriptor) {
        this.location = location;
        this.descriptor = descriptor;
    }

    /** The API of the module that holds {@code member}, read from where that class was loaded. */
    static ApiSignatures ofModuleOf(Class<?> member) {
        Path location;
        try {
            location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (member.getModule().isNamed()) {
            return new ApiSignatures(location, member.getModule().getDescriptor());
        }
        try (InputStream in = open(location, "module-info.class")) {
            return new ApiSignatures(location, ModuleDescriptor.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException("no readable module-info.class in " + location, e);
        }
    }

    ModuleDescriptor descriptor() {
        return descriptor;
    }

    /** The whole API, module header first, then one block per type in name order. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("module " + descriptor.name());
        descriptor.exports().stream().map(e -> "  exports " + e.source()
                + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : ""))
                .sorted().forEach(lines::add);
        descriptor.opens().stream().map(o -> "  opens " + o.source()
                + (o.isQualified() ? " to " + String.join(", ", new TreeSet<>(o.targets())) : ""))
                .sorted().forEach(lines::add);
        for (Class<?> type : apiTypes()) {
            lines.add("");
            lines.add(header(type));
            members(type).forEach(member -> lines.add("  " + member));
        }
        return lines;
    }

    private List<Class<?>> apiTypes() {
        List<Class<?>> types = new ArrayList<>();
        for (ModuleDescriptor.Exports export : descriptor.exports()) {
            for (String className : classNamesIn(export.source())) {
                Class<?> type = load(className);
                if (isApi(type)) {
                    types.add(type);
                }
            }
        }
        types.sort(Comparator.comparing(Class::getName));
        return types;
    }

    /** Public or protected, and so is every type it is nested in. */
    private static boolean isApi(Class<?> type) {
        if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if ((t.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) == 0) {
                return false;
            }
        }
        return true;
    }

    private List<String> classNamesIn(String packageName) {
        String dir = packageName.replace('.', '/') + "/";
        try {
            if (Files.isDirectory(location)) {
                Path packageDir = location.resolve(dir);
                if (!Files.isDirectory(packageDir)) {
                    return List.of();
                }
                try (Stream<Path> files = Files.list(packageDir)) {
                    return classNames(files.map(p -> dir + p.getFileName()));
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return classNames(jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith(dir) && n.indexOf('/', dir.length()) < 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> classNames(Stream<String> entries) {
        return entries.filter(n -> n.endsWith(".class") && !n.endsWith("package-info.class"))
                .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                .sorted().collect(Collectors.toList());
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiSignatures.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream open(Path location, String entry) throws IOException {
        if (Files.isDirectory(location)) {
            return Files.newInputStream(location.resolve(entry));
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            JarEntry jarEntry = jar.getJarEntry(entry);
            if (jarEntry == null) {
                throw new IOException(entry + " not found");
            }
            try (InputStream in = jar.getInputStream(jarEntry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
    }

    // ---- rendering ----

    private static String header(Class<?> type) {
        StringBuilder s = new StringBuilder();
        int modifiers = type.getModifiers() & SHOWN_MODIFIERS;
        String kind;
        if (type.isAnnotation()) {
            kind = "@interface";
            modifiers &= ~(Modifier.ABSTRACT | Modifier.STATIC);
        } else if (type.isInterface()) {
            kind = "interface";
            modifiers &= ~(Modifier.ABSTRACT | Modifier.STATIC);
        } else if (type.isEnum()) {
            kind = "enum";
            modifiers &= ~(Modifier.FINAL | Modifier.STATIC | Modifier.ABSTRACT);
        } else if (type.isRecord()) {
            kind = "record";
            modifiers &= ~(Modifier.FINAL | Modifier.STATIC);
        } else {
            kind = "class";
        }
        s.append(Modifier.toString(modifiers)).append(' ');
        if (type.isSealed()) {
            s.append("sealed ");
        }
        s.append(kind).append(' ').append(type.getName()).append(typeParameters(type));
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            s.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (type.isAnnotation()) {
            interfaces = new Type[0]; // every annotation type extends Annotation
        }
        if (interfaces.length > 0) {
            s.append(type.isInterface() ? " extends " : " implements ").append(typeNames(interfaces));
        }
        if (type.isSealed()) {
            s.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getName)
                    .sorted().collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    /** Fields, then constructors, then methods; each group in name order, then by signature. */
    private static List<String> members(Class<?> type) {
        List<Member> members = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (visible(field.getModifiers()) && !field.isSynthetic()) {
                members.add(new Member(0, field.getName(), modifiers(field.getModifiers(), type)
                        + field.getGenericType().getTypeName() + " " + field.getName()));
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (visible(constructor.getModifiers()) && !constructor.isSynthetic()) {
                members.add(new Member(1, "", modifiers(constructor.getModifiers(), type)
                        + spaced(typeParameters(constructor)) + type.getSimpleName() + parameters(constructor)));
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (visible(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
                members.add(new Member(2, method.getName(), modifiers(method.getModifiers(), type)
                        + (method.isDefault() ? "default " : "") + spaced(typeParameters(method))
                        + method.getGenericReturnType().getTypeName() + " " + method.getName()
                        + parameters(method)));
            }
        }
        members.sort(Comparator.comparingInt(Member::group).thenComparing(Member::name)
                .thenComparing(Member::line));
        return members.stream().map(Member::line).collect(Collectors.toList());
    }

    private record Member(int group, String name, String line) {
    }

    private static String spaced(String text) {
        return text.isEmpty() ? "" : text + " ";
    }

    private static boolean visible(int modifiers) {
        return (modifiers & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0;
    }

    private static String modifiers(int modifiers, Class<?> owner) {
        int shown = modifiers & SHOWN_MODIFIERS;
        if (owner.isInterface()) {
            shown &= ~Modifier.ABSTRACT; // implied for interface methods without a body
        }
        String text = Modifier.toString(shown);
        return text.isEmpty() ? "" : text + " ";
    }

    private static String parameters(Executable executable) {
        Type[] types = executable.getGenericParameterTypes();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            String name = types[i].getTypeName();
            if (executable.isVarArgs() && i == types.length - 1 && name.endsWith("[]")) {
                name = name.substring(0, name.length() - 2) + "...";
            }
            names.add(name);
        }
        String throwsClause = executable.getGenericExceptionTypes().length == 0 ? ""
                : " throws " + typeNames(executable.getGenericExceptionTypes());
        return "(" + String.join(", ", names) + ")" + throwsClause;
    }

    private static String typeParameters(GenericDeclaration declaration) {
        TypeVariable<?>[] variables = declaration.getTypeParameters();
        if (variables.length == 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (TypeVariable<?> variable : variables) {
            Type[] bounds = variable.getBounds();
            boolean plain = bounds.length == 1 && bounds[0] == Object.class;
            parts.add(variable.getName() + (plain ? "" : " extends " + Arrays.stream(bounds).map(Type::getTypeName)
                    .collect(Collectors.joining(" & "))));
        }
        return "<" + String.join(", ", parts) + ">";
    }

    private static String typeNames(Type[] types) {
        return Arrays.stream(types).map(Type::getTypeName).collect(Collectors.joining(", "));
    }
}
