"""Name pools of the synthetic population (data, not code).

No public frequency table of given names and surnames exists for Guatemala, Honduras or
El Salvador (see the data README). The surnames are the commonest Mexican surnames (the
SEP/datamx.io sample in ozdemirburak/full-name-generator, CC0, and the Wikipedia-derived
table in sigpwned/popular-names-by-country-dataset, CC0) plus surnames common in the
Northern Triangle; weights fall off as a Zipf law (rank^-0.9), which is the shape observed
for Hispanic surname frequencies. The pools hold about 370 surnames and 150 given names of
each sex; real populations have a longer tail, so synthetic name collisions are more frequent
than real ones (a harder test for the model, not an easier one). Accented spellings are the
standard ones.
"""

from __future__ import annotations

SURNAMES: tuple[str, ...] = tuple(
    """Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez
    Morales Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Moreno Castillo
    Romero Álvarez Méndez Chávez Rivera Juárez Ramos Domínguez Herrera Medina Castro Vargas
    Guzmán Velázquez Muñoz Rojas De-León Contreras Salazar Luna Ortega Santiago Guerrero Estrada
    Bautista Cortés Soto Alvarado Espinoza Lara Ávila Ríos Cervantes Silva Delgado Vega Márquez
    Sandoval Fernández León Carrillo Mejía Solís Núñez Rosas Valdez Ibarra Campos Maldonado
    Navarro Acosta Peña Rosales Pacheco Miranda Trejo Cabrera Valencia Robles Molina Fuentes
    Nava Cardenas Orozco Meza Zúñiga Padilla Montes Villegas Ayala Escobar Calderón Benítez
    Pineda Osorio Argueta Orellana Girón Barrios Cáceres Monterroso Hernández Cifuentes
    Ajú Tzoc Xicará Cux Chuc Coc Caal Pop Tut Choc Quiej Sic Ixcoy Velásquez Archila Maldonado
    Paz Zelaya Funes Matamoros Banegas Palma Alemán Lobo Cálix Bonilla Euceda Mejía Amaya
    Portillo Guardado Menjívar Ayala Granados Rivas Quintanilla Alfaro Chicas Lemus Hércules
    Bonilla Arévalo Aguirre Serrano Marroquín Carranza Figueroa Villatoro Ordóñez Recinos
    Galindo Arriaga Tobar Urbina Melgar Cerna Andrade Sosa Beltrán Olivares Zamora Rubio
    Aguilera Alarcón Almaraz Altamirano Amador Anaya Aparicio Aragón Arana Arce Arellano Arias
    Armenta Arroyo Avendaño Baca Badillo Balderas Barajas Barragán Barrera Becerra Bermúdez
    Blanco Bravo Briones Bueno Bustamante Cabello Camacho Canales Cano Cantú Cárdenas Carmona
    Carrasco Casillas Castañeda Cazares Ceballos Cedillo Chacón Cisneros Colín Coronado Corona
    Correa Cuevas Dávila Duarte Durán Echeverría Elizondo Enríquez Escamilla Esparza Espinosa
    Esquivel Farías Félix Ferrer Franco Frías Gallardo Gallegos Gálvez Gamboa Garza Gil Godínez
    Granados Guevara Hidalgo Huerta Iglesias Jaramillo Lira Loera Lozano Lucero Macías Madrigal
    Magaña Manzano Mares Marín Mata Mercado Millán Mireles Montoya Mora Moran Muñiz Murillo Naranjo
    Negrete Nieto Noriega Ocampo Ochoa Olvera Ontiveros Oropeza Osuna Pardo Parra Paredes Pastor
    Patiño Pedraza Peralta Pichardo Pimentel Pizarro Ponce Prado Preciado Puente Quezada Quintero
    Quiroz Rangel Razo Rendón Reséndiz Rincón Robledo Rocha Roldán Rosado Saavedra Salas Salgado
    Salinas Samaniego Santana Santos Sauceda Segura Sepúlveda Serna Sierra Solano Solórzano Suárez
    Tapia Tejeda Tello Terán Toledo Tovar Trujillo Ulloa Uribe Valadez Valdés Valenzuela Valle
    Varela Vera Vidal Villa Villanueva Villarreal Villalobos Yáñez Zapata Zavala Zepeda Batres
    Chinchilla Girón Herrarte Lima Mazariegos Tzul Ixchop Chen Tiul Bol Xol Cuc Chub Maquín Yat
    Ulín Sagastume Mazariego Guerra Cabrera Aldana Castellanos Bardales Cardona Maradiaga Ochoa
    Raudales Valladares Zepeda Sevilla Irías Oseguera Cálix Lagos Mondragón Perdomo Orellana""".split()
)

MALE_GIVEN: tuple[str, ...] = tuple(
    """José Juan Luis Carlos Jesús Miguel Francisco Antonio Jorge Pedro Alejandro Manuel Ricardo
    Roberto Fernando Javier Daniel Eduardo Mario Sergio Óscar Rafael Raúl Alberto Enrique Arturo
    Víctor Marco Héctor Guillermo Ignacio Alfonso Gerardo Hugo Andrés Ángel Julio César Rubén
    Erick Kevin Brayan Wilmer Elmer Selvin Edwin Nelson Walter Santos Cristian Josué Óscar Mynor
    Byron Henry Denis Kelvin Anderson Jonathan Alexander David Samuel Gabriel Diego Emilio Tomás
    Lorenzo Vicente Gregorio Esteban Rigoberto Osmín Melvin Wilson Milton Nery Gustavo Adán
    Abel Abraham Agustín Alan Alfredo Álvaro Amílcar Aníbal Armando Augusto Benjamín Bernardo
    Bryan Camilo Cándido Cecilio Celestino Ciro Darwin Dionisio Domingo Efraín Elías Eliseo Emerson
    Erwin Ever Ezequiel Fabián Federico Felipe Fidel Florencio Franklin Gilberto Gonzalo Heriberto
    Hilario Humberto Isaac Ismael Israel Jairo Jeremías Joaquín Jonás Julián Leonel Leonardo Lucas
    Marcos Martín Mateo Mauricio Maximiliano Moisés Napoleón Noé Orlando Pablo Ramiro Reynaldo
    Ronald Rosendo Salvador Saúl Sebastián Silvio Teodoro Ulises Valentín Wálter Yeferson Zacarías""".split()
)
FEMALE_GIVEN: tuple[str, ...] = tuple(
    """María Guadalupe Ana Rosa Margarita Juana Elena Patricia Carmen Leticia Verónica Alejandra
    Gabriela Sandra Claudia Yolanda Silvia Teresa Isabel Consuelo Dolores Rosario Concepción
    Francisca Luz Marta Gloria Blanca Norma Adriana Mónica Karla Andrea Daniela Fernanda Jennifer
    Yesenia Glenda Lesly Dania Keyla Dayana Ingrid Heidy Wendy Sonia Reina Lidia Marleny Evelyn
    Xiomara Iris Jessica Brenda Fátima Esperanza Milagro Zoila Aracely Yanira Nohemí Susana
    Pilar Cristina Lucía Sofía Valeria Camila Paola Araceli Alma Esmeralda Rocío Vilma
    Adela Agustina Alicia Amanda Amparo Angélica Antonia Aurora Beatriz Berta Carolina Catalina
    Cecilia Celia Clara Cristal Delia Diana Dora Edith Elvia Emilia Erika Estela Eva Flor Francis
    Graciela Helen Hilda Inés Irma Jazmín Josefina Julia Karen Katherine Laura Lilian Lorena
    Lourdes Magdalena Maribel Mariela Marisol Maritza Mayra Melissa Mercedes Miriam Nancy Natalia
    Nelly Nidia Olga Paula Raquel Rebeca Regina Rosalinda Rut Sara Sayra Tania Victoria Viviana
    Yadira Yamileth Yessica Yolanda Zulema""".split()
)

#: Localities by nationality (the municipality recorded as last residence).
LOCALITIES: dict[str, tuple[str, ...]] = {
    "MX": (
        "Ciudad de México",
        "Guadalajara",
        "Puebla",
        "Oaxaca",
        "Morelia",
        "Acapulco",
        "León",
        "Chihuahua",
        "Veracruz",
        "Tapachula",
        "Culiacán",
        "Zacatecas",
        "Toluca",
        "Durango",
    ),
    "GT": (
        "Guatemala",
        "Huehuetenango",
        "Quetzaltenango",
        "San Marcos",
        "Cobán",
        "Mixco",
        "Chimaltenango",
        "Totonicapán",
        "Escuintla",
        "Villa Nueva",
        "Sololá",
        "Jutiapa",
    ),
    "HN": (
        "Tegucigalpa",
        "San Pedro Sula",
        "Choloma",
        "La Ceiba",
        "El Progreso",
        "Comayagua",
        "Choluteca",
        "Danlí",
        "Juticalpa",
        "Santa Rosa de Copán",
        "Olancho",
        "Yoro",
    ),
    "SV": (
        "San Salvador",
        "Soyapango",
        "Santa Ana",
        "San Miguel",
        "Mejicanos",
        "Apopa",
        "Usulután",
        "Ahuachapán",
        "Sonsonate",
        "La Unión",
        "Chalatenango",
        "Cuscatancingo",
    ),
    "OTHER": (
        "Quito",
        "Guayaquil",
        "Managua",
        "Caracas",
        "La Habana",
        "Bogotá",
        "Lima",
        "São Paulo",
        "Port-au-Prince",
        "Cuenca",
        "León",
        "Maracaibo",
    ),
}
